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

export function isComplete(s: Settings): boolean {
  return s.gridSearchId !== '' && s.socketConnectionUrl !== '' && s.restApiUrl !== '';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function readStoredSettings(storage: Pick<Storage, 'getItem'> | undefined): Settings {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(SETTINGS_KEY) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return EMPTY_SETTINGS;
    const r = raw as Record<string, unknown>;
    return normalizeSettings({
      gridSearchId: text(r['gridSearchId']),
      socketConnectionUrl: text(r['socketConnectionUrl']),
      restApiUrl: text(r['restApiUrl']),
    });
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

/**
 * Stored settings overridden by the URL's `run_id`, `ws_endpoint` and `rest_endpoint` (URL wins).
 * `fromUrl` says whether the URL named all three, in which case the page connects at once.
 */
export function initialSettings(
  storage: Pick<Storage, 'getItem'> | undefined,
  search: string,
): { settings: Settings; fromUrl: boolean } {
  const stored = readStoredSettings(storage);
  const params = new URLSearchParams(search);
  const merged = normalizeSettings({
    gridSearchId: params.get('run_id') ?? stored.gridSearchId,
    socketConnectionUrl: params.get('ws_endpoint') ?? stored.socketConnectionUrl,
    restApiUrl: params.get('rest_endpoint') ?? stored.restApiUrl,
  });
  const named = params.has('run_id') || params.has('ws_endpoint') || params.has('rest_endpoint');
  return { settings: merged, fromUrl: named && isComplete(merged) };
}
