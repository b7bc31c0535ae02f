import { readableSegments, shortestSuffixes } from '../columns/shortestSuffixes';
import { nearestName } from './nearestName';

/** A score series as the store keys it: `<split>_<tag>`, e.g. `val_F1_SCORE_macro`. */
export interface ScoreInfo {
  key: string;
  split: string;
  tag: string;
  kind: 'metric' | 'loss';
}

/** What an expression may name. */
export interface ExpressionSchema {
  /** Config leaves whose value differs between experiments (the table's columns): matched first. */
  sweptPaths: readonly string[];
  /** Every other config leaf. */
  otherPaths?: readonly string[];
  scores: readonly ScoreInfo[];
  /** Tags in use (for completion; an unknown tag is no error, it matches nothing). */
  tags?: readonly string[];
  /** The grid searches on the page (an unknown one is an error when this is given). */
  gridSearches?: readonly string[];
}

/** Fields every experiment has. `tag` and `tags` are one field, as are `id` and `experiment_id`. */
export const FIELDS = ['status', 'id', 'experiment_id', 'epoch', 'grid_search', 'tag', 'tags'] as const;
export type FieldName = 'status' | 'id' | 'epoch' | 'grid_search' | 'tag';

/** The first word of each status the table shows, lower-cased (see experimentView.ts's displayStatus). */
export const STATUS_WORDS = [
  'completed',
  'running',
  'failed',
  'initializing',
  'interrupted',
  'stopped',
  'promoted',
  'unknown',
] as const;

export type KeyRef =
  | { kind: 'config'; path: string }
  | { kind: 'score'; key: string; scoreKind: 'metric' | 'loss' }
  | { kind: 'field'; field: FieldName };

export type Resolution =
  | { ok: true; ref: KeyRef }
  | { ok: false; ambiguous: string[] }
  | { ok: false; ambiguous?: undefined; suggestion: string | undefined };

/** A config leaf as the index reads it. */
export interface ConfigPathEntry {
  path: string;
  full: string[];
  readable: string[];
  swept: boolean;
}

const FIELD_OF: Record<string, FieldName> = {
  status: 'status',
  id: 'id',
  experiment_id: 'id',
  epoch: 'epoch',
  grid_search: 'grid_search',
  tag: 'tag',
  tags: 'tag',
};

function endsWith(segs: readonly string[], tail: readonly string[]): boolean {
  if (tail.length > segs.length) return false;
  const offset = segs.length - tail.length;
  return tail.every((s, i) => segs[offset + i] === s);
}

/** `name`'s segments appear in `segs` in order, and the last ones coincide. */
function subsequence(segs: readonly string[], name: readonly string[]): boolean {
  if (segs[segs.length - 1] !== name[name.length - 1]) return false;
  let j = 0;
  for (let i = 0; i < segs.length - 1 && j < name.length - 1; i++) if (segs[i] === name[j]) j++;
  return j === name.length - 1;
}

/**
 * The names an expression can use, and how a name is read:
 * - a field: `status`, `id`, `epoch`, `grid_search`, `tag`;
 * - a score: its series key (`val_F1_SCORE_macro`) or `split/tag` (`val/F1_SCORE_macro`), any case;
 * - a config key by any run of its segments that ends with its last one: the full path
 *   (`optimizer.config.params.lr`), its end (`params.lr`, `lr`: the table's headers), or segments in
 *   order (`optimizer.lr`). Ends are read before runs with gaps, swept keys before the others; a name
 *   that still fits several keys is refused with the keys it fits.
 */
export class KeyIndex {
  readonly schema: ExpressionSchema;
  /** Swept paths' header labels (shortest unambiguous ends). */
  readonly labels: Map<string, string>;
  private readonly paths: ConfigPathEntry[];
  private readonly byLast = new Map<string, ConfigPathEntry[]>();
  private readonly scores = new Map<string, ScoreInfo>();
  private readonly scoresLower = new Map<string, ScoreInfo[]>();
  private spellingsCache: string[] | undefined;

  constructor(schema: ExpressionSchema) {
    this.schema = schema;
    this.labels = shortestSuffixes(schema.sweptPaths);
    const swept = new Set(schema.sweptPaths);
    this.paths = [...schema.sweptPaths, ...(schema.otherPaths ?? []).filter((p) => !swept.has(p))].map((path) => ({
      path,
      full: path.split('.'),
      readable: readableSegments(path),
      swept: swept.has(path),
    }));
    for (const e of this.paths) {
      const last = e.full[e.full.length - 1] as string;
      const list = this.byLast.get(last);
      if (list) list.push(e);
      else this.byLast.set(last, [e]);
    }
    for (const s of schema.scores) {
      for (const spelling of [s.key, `${s.split}/${s.tag}`]) {
        this.scores.set(spelling, s);
        const lower = spelling.toLowerCase();
        const list = this.scoresLower.get(lower) ?? [];
        if (!list.includes(s)) list.push(s);
        this.scoresLower.set(lower, list);
      }
    }
  }

  /** Reads a name; `quoted` (backticks): never a field. */
  resolve(name: string, quoted = false): Resolution {
    const field = FIELD_OF[name.toLowerCase()];
    if (!quoted && field) return { ok: true, ref: { kind: 'field', field } };
    const score = this.scores.get(name);
    if (score) return { ok: true, ref: { kind: 'score', key: score.key, scoreKind: score.kind } };
    const config = this.resolveConfig(name);
    if (config) return config;
    const lower = this.scoresLower.get(name.toLowerCase());
    if (lower?.length === 1) {
      const s = lower[0] as ScoreInfo;
      return { ok: true, ref: { kind: 'score', key: s.key, scoreKind: s.kind } };
    }
    return { ok: false, suggestion: this.nearestSpelling(name) };
  }

  private resolveConfig(name: string): Resolution | null {
    const segs = name.split('.');
    const candidates = this.byLast.get(segs[segs.length - 1] as string) ?? [];
    if (candidates.length === 0) return null;
    const exact = candidates.find((e) => e.path === name);
    if (exact) return { ok: true, ref: { kind: 'config', path: exact.path } };
    const stages: Array<(e: ConfigPathEntry) => boolean> = [
      (e) => e.swept && (endsWith(e.readable, segs) || endsWith(e.full, segs)),
      (e) => e.swept && subsequence(e.full, segs),
      (e) => endsWith(e.readable, segs) || endsWith(e.full, segs),
      (e) => subsequence(e.full, segs),
    ];
    for (const stage of stages) {
      const found = candidates.filter(stage);
      if (found.length === 1) return { ok: true, ref: { kind: 'config', path: (found[0] as ConfigPathEntry).path } };
      if (found.length > 1) return { ok: false, ambiguous: found.map((e) => e.path) };
    }
    return null;
  }

  /** The label a config path is shown by (swept: its header; others: readable segments). */
  labelOf(path: string): string {
    return this.labels.get(path) ?? readableSegments(path).join('.');
  }

  /** Every way of writing a known name that completion offers and "did you mean" compares with. */
  spellings(): string[] {
    if (this.spellingsCache) return this.spellingsCache;
    const out = new Set<string>(['status', 'id', 'epoch', 'grid_search', 'tag']);
    for (const e of this.paths) {
      if (e.swept) out.add(this.labelOf(e.path));
      out.add(e.path);
      out.add(e.readable.join('.'));
      if (e.readable.length > 2) out.add(`${e.readable[0]}.${e.readable[e.readable.length - 1]}`);
    }
    for (const s of this.schema.scores) {
      out.add(`${s.split}/${s.tag}`);
      out.add(s.key);
    }
    this.spellingsCache = [...out];
    return this.spellingsCache;
  }

  private nearestSpelling(name: string): string | undefined {
    return nearestName(name, this.spellings());
  }

  /** Config paths, swept ones first. */
  configPaths(): readonly ConfigPathEntry[] {
    return this.paths;
  }
}
