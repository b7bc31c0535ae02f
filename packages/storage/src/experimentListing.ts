import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { integerDirs, visibleFiles } from './listing.js';
import type { StorageRoot } from './storageRoot.js';
import { safeName } from './storageRoot.js';

const gzipAsync = promisify(gzip);

/** The file that makes a folder of a grid search an experiment. */
export const EXPERIMENT_CONFIG_FILE = 'experiment_config.json';

/** One experiment as the listing shows it; `config` is the JSON text of its config object. */
export interface ExperimentState {
  id: number;
  config: string;
  lastCheckpoint: number;
  /** The newest epoch folder above `lastCheckpoint` (a checkpoint being written), if any. */
  pendingEpoch: number | undefined;
}

/**
 * Reads one experiment from the store: its config (a JSON object, read without following
 * symlinks) and its last epoch holding a checkpoint file (-1 if none). Undefined when it has no
 * valid config (yet: a config being rewritten shows up on the next read).
 */
export async function readExperiment(
  storage: StorageRoot,
  gridSearchId: string,
  id: number,
): Promise<ExperimentState | undefined> {
  const dir = storage.path(gridSearchId, id);
  const text = await storage.readText(join(dir, EXPERIMENT_CONFIG_FILE)).catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  } catch {
    return undefined;
  }
  let lastCheckpoint = -1;
  let pendingEpoch: number | undefined;
  for (const epoch of (await integerDirs(dir)).reverse()) {
    if ((await visibleFiles(join(dir, String(epoch)))).length > 0) {
      lastCheckpoint = epoch;
      break;
    }
    pendingEpoch ??= epoch;
  }
  return { id, config: text, lastCheckpoint, pendingEpoch };
}

const entryJson = (e: ExperimentState) =>
  `{"experiment_id":${e.id},"last_checkpoint_id":${e.lastCheckpoint},"experiment_config":${e.config}}`;

interface GridSearchIndex {
  experiments: Map<number, ExperimentState>;
  /** Experiments to read again before the next answer. */
  dirty: Set<number>;
  /** The answer, encoded once: sending a cached listing copies no JSON text. */
  json: Buffer | undefined;
  /** `json` gzipped (configs repeat a lot: a few % of the size), made on the first request that takes it. */
  gzip: { of: Buffer; bytes: Promise<Buffer> } | undefined;
  watchers: Map<string, FSWatcher>;
  ready: Promise<void>;
}

/** How many experiments are read at once when a grid search is first listed. */
const READ_CONCURRENCY = 32;

/**
 * The experiments listing (`GET /grid_searches/{gs}/experiments`) served from memory. A grid
 * search is read once, asynchronously; after that an answer is the cached JSON text, or the
 * entries spliced together again when something changed. Writes through this process say so
 * (`changed`) before they answer, so the next listing shows them; directory watches (the grid
 * search folder, each experiment folder and a checkpoint folder being written) catch writes by
 * other processes. When a watch fails (no more inotify watches), that grid search is read afresh
 * per request rather than served stale.
 */
export class ExperimentListing {
  private readonly indexes = new Map<string, GridSearchIndex>();

  constructor(
    private readonly storage: StorageRoot,
    private readonly options: { watch?: boolean; maxGridSearches?: number } = {},
  ) {}

  /** The listing of a grid search as JSON (UTF-8): experiments in numeric order. */
  async listJson(gridSearchId: string): Promise<Buffer> {
    return (await this.listing(gridSearchId)).json;
  }

  /**
   * The listing gzipped, compressed off the event loop once per change: a thousand experiments
   * are megabytes of JSON, their gzip a few hundred kilobytes, so answers cost the server and the
   * network a fraction.
   */
  async listGzip(gridSearchId: string): Promise<Buffer> {
    const { json, index } = await this.listing(gridSearchId);
    if (index.gzip?.of === json) return index.gzip.bytes;
    const bytes = gzipAsync(json, { level: 6 });
    if (index.json === json) index.gzip = { of: json, bytes };
    return bytes;
  }

  private async listing(gridSearchId: string): Promise<{ json: Buffer; index: GridSearchIndex }> {
    const gs = safeName(gridSearchId, 'grid_search_id');
    await this.storage.checked(gs);
    const index = this.index(gs);
    await index.ready;
    while (index.dirty.size > 0) {
      const ids = [...index.dirty];
      index.dirty.clear();
      await Promise.all(ids.map((id) => this.reread(gs, index, id)));
    }
    index.json ??= Buffer.from(
      `[${[...index.experiments.values()]
        .sort((a, b) => a.id - b.id)
        .map(entryJson)
        .join(',')}]`,
    );
    const json = index.json;
    if (index.watchers.size === 0 || this.options.watch === false) this.forget(gs);
    return { json, index };
  }

  /** Something of experiment `id` (or, without it, of the whole grid search) was written or removed. */
  changed(gridSearchId: string, id?: number): void {
    const index = this.indexes.get(gridSearchId);
    if (!index) return;
    if (id === undefined) {
      this.forget(gridSearchId);
      return;
    }
    index.dirty.add(id);
    index.json = undefined;
  }

  close(): void {
    for (const gs of [...this.indexes.keys()]) this.forget(gs);
  }

  private index(gs: string): GridSearchIndex {
    const known = this.indexes.get(gs);
    if (known) {
      // Most recently used last: the first entry is the one to drop when there are too many.
      this.indexes.delete(gs);
      this.indexes.set(gs, known);
      return known;
    }
    const index: GridSearchIndex = {
      experiments: new Map(),
      dirty: new Set(),
      json: undefined,
      gzip: undefined,
      watchers: new Map(),
      ready: Promise.resolve(),
    };
    this.indexes.set(gs, index);
    if (this.indexes.size > (this.options.maxGridSearches ?? 16))
      this.forget(this.indexes.keys().next().value as string);
    index.ready = (async () => {
      // Watch first, then read: a write between the two is seen by the watch.
      this.watchDir([gs, index], [], (name) => {
        if (name && /^(0|[1-9]\d{0,8})$/.test(name)) this.changed(gs, Number(name));
        else if (!name) this.changed(gs);
      });
      const ids = await integerDirs(this.storage.path(gs));
      for (let at = 0; at < ids.length; at += READ_CONCURRENCY) {
        await Promise.all(ids.slice(at, at + READ_CONCURRENCY).map((id) => this.reread(gs, index, id)));
      }
    })();
    return index;
  }

  private async reread(gs: string, index: GridSearchIndex, id: number): Promise<void> {
    const state = await readExperiment(this.storage, gs, id);
    if (this.indexes.get(gs) !== index) return;
    index.json = undefined;
    if (!state) index.experiments.delete(id);
    else index.experiments.set(id, state);
    this.watchDir([gs, index], [id], () => this.changed(gs, id));
    const pendingKey = `${id}/pending`;
    index.watchers.get(pendingKey)?.close();
    index.watchers.delete(pendingKey);
    if (state?.pendingEpoch !== undefined) {
      this.watchDir([gs, index], [id, state.pendingEpoch], () => this.changed(gs, id), pendingKey);
    }
  }

  private watchDir(
    [gs, index]: [string, GridSearchIndex],
    segments: number[],
    onChange: (name: string | null) => void,
    key = segments.join('/'),
  ): void {
    if (this.options.watch === false || index.watchers.has(key)) return;
    try {
      const watcher = watch(this.storage.path(gs, ...segments), { persistent: false }, (_event, name) =>
        onChange(name === null ? null : String(name)),
      );
      watcher.on('error', () => this.lost(gs, index));
      index.watchers.set(key, watcher);
    } catch (error) {
      // A folder that is gone is simply not watched; running out of watches means serving unwatched.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.lost(gs, index);
    }
  }

  /** A watch failed: answers for this grid search are read afresh until it is listed again. */
  private lost(gs: string, index: GridSearchIndex): void {
    for (const w of index.watchers.values()) w.close();
    index.watchers.clear();
    if (this.indexes.get(gs) === index) this.indexes.delete(gs);
  }

  private forget(gs: string): void {
    const index = this.indexes.get(gs);
    if (index) this.lost(gs, index);
  }
}
