import { SNAPSHOT_PATH, SnapshotFormatError, decodeSnapshot } from '@mlgym/protocol';
import type { GridSearchSnapshot } from '@mlgym/protocol';
import type { BoardLimits, DataUpdate, ExperimentRow, SeriesPoints } from '../events/dataUpdate';

/** A snapshot that brings no bytes for this long is given up (the history is streamed instead). */
const IDLE_TIMEOUT_MS = 30_000;
/**
 * Experiments per data post made from a snapshot: the page applies each post in one task, so a post
 * of 10,000 experiments × 50 epochs × 12 series (6 million points) would hold it for seconds.
 */
export const SNAPSHOT_POST_EXPERIMENTS = 250;

/**
 * The grid search's snapshot from the websocket endpoint's `GET /snapshot/<id>`, decoded; undefined when
 * there is none to have (an older endpoint, a snapshot still being made, a refusal, a body that is not
 * one): the history is then streamed from the start as before. `problem` says why a body was refused.
 */
export async function fetchSnapshot({
  endpoint,
  gridSearchId,
  signal,
  authorization,
  fetchFn = fetch,
}: {
  endpoint: string;
  gridSearchId: string;
  signal?: AbortSignal;
  authorization?: string | null;
  fetchFn?: typeof fetch;
}): Promise<{ snapshot: GridSearchSnapshot } | { problem: string } | undefined> {
  const abort = new AbortController();
  signal?.addEventListener('abort', () => abort.abort());
  const idle = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
  try {
    const res = await fetchFn(`${endpoint}${SNAPSHOT_PATH(gridSearchId)}`, {
      signal: abort.signal,
      headers: authorization ? { authorization } : {},
    });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const snapshot = decodeSnapshot(bytes);
    if (snapshot.gridSearchId !== gridSearchId)
      return { problem: `a snapshot of ${snapshot.gridSearchId} instead of ${gridSearchId}` };
    return { snapshot };
  } catch (error) {
    if (error instanceof SnapshotFormatError) return { problem: `a snapshot it cannot read (${error.message})` };
    return undefined;
  } finally {
    clearTimeout(idle);
  }
}

/** Whether the board keeps everything the snapshot holds (else its events are folded one by one, within the limits). */
export function fitsLimits(s: GridSearchSnapshot, limits: Readonly<BoardLimits>): boolean {
  return s.experiments.length <= limits.experiments && s.series.length <= limits.series;
}

/**
 * The snapshot as data posts of SNAPSHOT_POST_EXPERIMENTS experiments each (rows, configs and every point of
 * theirs), in the snapshot's order; the first also carries its counts. Each post is made when it is taken
 * (its columns copied into two buffers of its own, which move to the page without a copy), so the worker
 * never holds the snapshot twice.
 */
export function snapshotPosts(s: GridSearchSnapshot, perPost = SNAPSHOT_POST_EXPERIMENTS): Array<() => DataUpdate> {
  const postOf = new Map<number, number>();
  s.experiments.forEach((id, i) => postOf.set(id, Math.floor(i / perPost)));
  const posts = Math.max(1, Math.ceil(s.experiments.length / perPost));
  const rows: ExperimentRow[][] = Array.from({ length: posts }, () => []);
  const configs: DataUpdate['configs'][] = Array.from({ length: posts }, () => []);
  for (const r of s.rows) rows[postOf.get(r.experiment_id) ?? 0]!.push(r as ExperimentRow);
  for (const c of s.configs) configs[postOf.get(c.experiment_id) ?? 0]!.push(c);
  const columns: Array<Array<[(typeof s.series)[number], (typeof s.series)[number]['columns'][number]]>> = Array.from(
    { length: posts },
    () => [],
  );
  for (const series of s.series)
    for (const column of series.columns) columns[postOf.get(column.experimentId) ?? 0]!.push([series, column]);
  const last = s.nextEventId - 1;
  return columns.map((list, p) => (): DataUpdate => {
    const total = list.reduce((n, [, c]) => n + c.values.length, 0);
    const epochs = new Float64Array(total);
    const values = new Float64Array(total);
    let at = 0;
    const points = list.map(([{ key, split, tag, kind }, c]): SeriesPoints => {
      const n = c.values.length;
      epochs.set(c.epochs, at);
      values.set(c.values, at);
      const point = {
        key,
        split,
        tag,
        kind,
        experiment_id: c.experimentId,
        epochs: epochs.subarray(at, at + n),
        values: values.subarray(at, at + n),
      };
      at += n;
      return point;
    });
    const first = p === 0;
    return {
      rows: rows[p]!,
      configs: configs[p]!,
      points,
      // the snapshot's events count once, in its first post (those passed on count as they are folded)
      events: first ? s.nextEventId - s.passthrough.length : 0,
      lastEventId: last,
      unknown: first ? s.unknown : 0,
      malformed: first ? s.malformed : 0,
      missingScores: first ? s.missingScores : 0,
      problems: first && s.missingExample ? [`no number for ${s.missingExample} (null or NaN): drawn as a gap`] : [],
      // the page renders once it has every part
      part: { index: p, of: posts },
    };
  });
}

/** Every post of `snapshotPosts`, made at once. */
export function snapshotUpdates(s: GridSearchSnapshot, perPost = SNAPSHOT_POST_EXPERIMENTS): DataUpdate[] {
  return snapshotPosts(s, perPost).map((make) => make());
}
