import { z } from 'zod';
import type { BandKind } from '../grouping/aggregatePoints';
import type { GroupBy } from '../grouping/groupExperiments';
import { MAX_EXPRESSION_LENGTH } from '../expression/parseExpression';

/**
 * How the person looks at the experiments, kept in the page's URL and in saved views: the grouping
 * (null: the page's default, by combination for a CV or nested-CV grid search, else none), the band
 * drawn around a group's mean, and the expression filter.
 */
export interface AnalysisView {
  groupBy: GroupBy | null;
  band: BandKind;
  expression: string;
}

export const DEFAULT_VIEW: AnalysisView = { groupBy: null, band: 'std', expression: '' };

/** The URL's parameters for the view (the connection's own, run_id and the endpoints, are left alone). */
export const VIEW_PARAMS = { group: 'group', band: 'band', expression: 'q' } as const;

const KEY_PREFIX = 'key:';
/** Group keys a link may name at most (each is a config path). */
export const MAX_GROUP_KEYS = 16;
const MAX_PATH_LENGTH = 1_000;

const BANDS: readonly BandKind[] = ['std', 'minmax', 'none'];

/** Writes the view into `params` (removing what equals the default), keeping every other parameter. */
export function writeViewParams(view: AnalysisView, params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(params);
  out.delete(VIEW_PARAMS.group);
  out.delete(VIEW_PARAMS.band);
  out.delete(VIEW_PARAMS.expression);
  const g = view.groupBy;
  if (g?.kind === 'keys') for (const k of g.keys) out.append(VIEW_PARAMS.group, `${KEY_PREFIX}${k}`);
  else if (g) out.append(VIEW_PARAMS.group, g.kind);
  if (view.band !== DEFAULT_VIEW.band) out.set(VIEW_PARAMS.band, view.band);
  if (view.expression.trim() !== '') out.set(VIEW_PARAMS.expression, view.expression);
  return out;
}

/**
 * The view a link names. What cannot be read is left at its default and said in `problems` (a link
 * may carry anything: the page opens all the same).
 */
export function readViewParams(search: string | URLSearchParams): { view: AnalysisView; problems: string[] } {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const problems: string[] = [];
  const view: AnalysisView = { ...DEFAULT_VIEW };
  const groups = params.getAll(VIEW_PARAMS.group);
  if (groups.length) {
    const keys = groups.filter((g) => g.startsWith(KEY_PREFIX)).map((g) => g.slice(KEY_PREFIX.length));
    const words = groups.filter((g) => !g.startsWith(KEY_PREFIX));
    if (keys.length && words.length === 0) {
      const good = keys.filter((k) => k !== '' && k.length <= MAX_PATH_LENGTH);
      if (good.length !== keys.length) problems.push('The link groups by an empty or overlong key: ignored.');
      if (good.length > MAX_GROUP_KEYS)
        problems.push(`The link groups by more than ${MAX_GROUP_KEYS} keys: the first ${MAX_GROUP_KEYS} are kept.`);
      if (good.length) view.groupBy = { kind: 'keys', keys: [...new Set(good)].slice(0, MAX_GROUP_KEYS) };
    } else if (keys.length === 0 && words.length === 1 && ['none', 'combination', 'tag'].includes(words[0] as string)) {
      view.groupBy = { kind: words[0] as 'none' | 'combination' | 'tag' };
    } else {
      problems.push(
        `The link's grouping "${groups.join('&')}" was not understood (expected none, combination, tag, or key:<config path> one or more times).`,
      );
    }
  }
  const band = params.get(VIEW_PARAMS.band);
  if (band !== null) {
    if ((BANDS as readonly string[]).includes(band)) view.band = band as BandKind;
    else problems.push(`The link's band "${band}" was not understood (expected std, minmax or none).`);
  }
  const expression = params.get(VIEW_PARAMS.expression);
  if (expression !== null) {
    if (expression.length <= MAX_EXPRESSION_LENGTH) view.expression = expression;
    else
      problems.push(
        `The link's filter is longer than ${MAX_EXPRESSION_LENGTH.toLocaleString('en-US')} characters: ignored.`,
      );
  }
  return { view, problems };
}

const GroupBySchema = z.union([
  z.object({ kind: z.enum(['none', 'combination', 'tag']) }),
  z.object({
    kind: z.literal('keys'),
    keys: z.array(z.string().min(1).max(MAX_PATH_LENGTH)).min(1).max(MAX_GROUP_KEYS),
  }),
]);

const SavedViewSchema = z.object({
  name: z.string().min(1).max(100),
  view: z.object({
    groupBy: GroupBySchema.nullable(),
    band: z.enum(['std', 'minmax', 'none']),
    expression: z.string().max(MAX_EXPRESSION_LENGTH),
  }),
});

export type SavedView = z.infer<typeof SavedViewSchema>;

export const SAVED_VIEWS_KEY = 'MLboardViews';
/** Views kept at most (the oldest go first). */
export const MAX_SAVED_VIEWS = 50;

/** The saved views in storage; entries that do not read as views (an older page's, a hand edit) are skipped. */
export function readSavedViews(storage: Pick<Storage, 'getItem'> | undefined): SavedView[] {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(SAVED_VIEWS_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: SavedView[] = [];
  for (const entry of raw) {
    const parsed = SavedViewSchema.safeParse(entry);
    if (parsed.success && !out.some((v) => v.name === parsed.data.name)) out.push(parsed.data);
  }
  return out.slice(-MAX_SAVED_VIEWS);
}

/** The views with `view` saved under `name` (replacing one of that name), newest last. */
export function withSavedView(views: readonly SavedView[], name: string, view: AnalysisView): SavedView[] {
  const trimmed = name.trim().slice(0, 100);
  if (!trimmed) return [...views];
  const entry: SavedView = {
    name: trimmed,
    view: { groupBy: view.groupBy, band: view.band, expression: view.expression },
  };
  return [...views.filter((v) => v.name !== trimmed), entry].slice(-MAX_SAVED_VIEWS);
}

export function writeSavedViews(storage: Pick<Storage, 'setItem'> | undefined, views: readonly SavedView[]): void {
  try {
    storage?.setItem(SAVED_VIEWS_KEY, JSON.stringify(views));
  } catch {
    // storage full or disabled: the view still applies, it is just not remembered
  }
}
