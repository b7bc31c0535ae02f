/** Where the dashboard connects: the original's `SettingConfigs` object. */
export interface Settings {
  gridSearchId: string;
  socketConnectionUrl: string;
  restApiUrl: string;
}

export const SETTINGS_KEY = 'SettingConfigs';
export const EMPTY_SETTINGS: Settings = { gridSearchId: '', socketConnectionUrl: '', restApiUrl: '' };

/** The one place URLs are normalised: trimmed, without trailing slashes. */
export function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function normalizeSettings(s: Settings): Settings {
  return {
    gridSearchId: s.gridSearchId.trim(),
    socketConnectionUrl: normalizeUrl(s.socketConnectionUrl),
    restApiUrl: normalizeUrl(s.restApiUrl),
  };
}

/**
 * Why an endpoint URL cannot be used, or null. Only http(s) URLs are endpoints: a `data:` or
 * `javascript:` URL given as an endpoint would let a link make up what the board shows (with no
 * server at all), and `ws:` URLs do not serve the history over HTTP.
 */
export function endpointProblem(url: string): string | null {
  if (url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL (expected e.g. http://127.0.0.1:5002)`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `only http:// and https:// endpoints are allowed, not ${parsed.protocol}`;
  if (parsed.username || parsed.password) return 'an endpoint URL must not carry a user name or password';
  return null;
}

/** Every field filled in, and both endpoints http(s) URLs. */
export function isComplete(s: Settings): boolean {
  return (
    s.gridSearchId !== '' &&
    s.socketConnectionUrl !== '' &&
    s.restApiUrl !== '' &&
    endpointProblem(s.socketConnectionUrl) === null &&
    endpointProblem(s.restApiUrl) === null
  );
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** An endpoint read from storage: dropped when it is not an http(s) URL (a value saved before they were checked). */
const storedEndpoint = (value: unknown) => {
  const url = normalizeUrl(text(value));
  return endpointProblem(url) === null ? url : '';
};

export function readStoredSettings(storage: Pick<Storage, 'getItem'> | undefined): Settings {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(SETTINGS_KEY) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return EMPTY_SETTINGS;
    const r = raw as Record<string, unknown>;
    return {
      gridSearchId: text(r['gridSearchId']).trim(),
      socketConnectionUrl: storedEndpoint(r['socketConnectionUrl']),
      restApiUrl: storedEndpoint(r['restApiUrl']),
    };
  } catch {
    return EMPTY_SETTINGS;
  }
}

export function writeStoredSettings(storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined, s: Settings) {
  try {
    if (s === EMPTY_SETTINGS) storage?.removeItem(SETTINGS_KEY);
    else storage?.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch {
    // storage full or disabled: the session still works, it is just not remembered
  }
}

/** A grid search's name as the protocol allows it (SafeNameSchema): further run_ids of a link are checked. */
const GRID_SEARCH_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

const LINK_PARAMS = [
  ['run_id', 'gridSearchId'],
  ['ws_endpoint', 'socketConnectionUrl'],
  ['rest_endpoint', 'restApiUrl'],
] as const;

export interface InitialSettings {
  settings: Settings;
  /** Further grid searches the link names (`run_id` given more than once), shown beside the first. */
  also: string[];
  /** Whether the page connects at once (the link named the grid search and, with storage, both endpoints). */
  fromUrl: boolean;
  /** Why a value the link named was refused (shown on the page). */
  refused: string[];
}

/**
 * Stored settings overridden by the URL's `run_id`, `ws_endpoint` and `rest_endpoint` (URL wins). A
 * link's values apply to this tab only: they are saved when the person confirms them (Save in the popup
 * or Settings' "Save and connect"), so a link cannot change what later plain visits connect to. The page
 * connects at once when the link names the grid search and the result is complete (the URL `ml_board`
 * prints names all three); a link naming only an endpoint opens the popup with it filled in instead of
 * sending the stored grid search to a server the person never chose. Endpoints other than http(s) URLs
 * are refused.
 */
export function initialSettings(storage: Pick<Storage, 'getItem'> | undefined, search: string): InitialSettings {
  const stored = readStoredSettings(storage);
  const params = new URLSearchParams(search);
  const merged: Settings = { ...stored };
  const refused: string[] = [];
  for (const [param, key] of LINK_PARAMS) {
    const value = params.get(param);
    if (value === null) continue;
    const normalized = key === 'gridSearchId' ? value.trim() : normalizeUrl(value);
    const problem = key === 'gridSearchId' ? null : endpointProblem(normalized);
    if (problem) {
      refused.push(`The link's ${param} was refused: ${problem}.`);
      merged[key] = '';
    } else merged[key] = normalized;
  }
  const fromUrl = params.has('run_id') && refused.length === 0 && isComplete(merged);
  // a further grid search the link names wrongly is left out; the first still connects
  const also: string[] = [];
  for (const gs of params
    .getAll('run_id')
    .slice(1)
    .map((g) => g.trim())) {
    if (GRID_SEARCH_NAME.test(gs) && !gs.includes('..')) also.push(gs);
    else
      refused.push(
        `The link's run_id "${gs.slice(0, 200)}" was refused: not a grid search name (letters, digits, "_", "-", ".").`,
      );
  }
  return { settings: merged, also, fromUrl, refused };
}
