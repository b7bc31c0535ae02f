import { readdir, stat } from 'node:fs/promises';
import { SafeNameSchema } from '@mlgym/protocol';
import { join } from 'node:path';

const INTEGER_DIR = /^(0|[1-9]\d{0,8})$/;

/** Integer-named child folders, ascending (experiments of a grid search, epochs of an experiment). */
export async function integerDirs(dir: string): Promise<number[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && INTEGER_DIR.test(e.name))
    .map((e) => Number(e.name))
    .sort((a, b) => a - b);
}

/** Visible regular files of a folder (dot-files are temporaries, digests and chunk stores). */
export async function visibleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

export interface CheckpointEntry {
  experiment_id: number;
  epoch: number;
  checkpoints: string[];
}

/** Epochs that hold at least one checkpoint file, newest first (epochs compared as numbers). */
export async function checkpointList(experimentDir: string, experimentId: number): Promise<CheckpointEntry[]> {
  const out: CheckpointEntry[] = [];
  for (const epoch of (await integerDirs(experimentDir)).reverse()) {
    const files = await visibleFiles(join(experimentDir, String(epoch)));
    if (files.length > 0) out.push({ experiment_id: experimentId, epoch, checkpoints: files });
  }
  return out;
}

/** The original MLboard event log of a grid search: `<root>/<gs>/event_storage.log`. */
export const EVENT_LOG_FILE = 'event_storage.log';

/**
 * Beside it, the websocket endpoint's columnar snapshot of the log (a dot-file: never listed). Derived from
 * the log, which stays the source of truth: rebuilt from it when missing or stale.
 */
export const EVENT_SNAPSHOT_FILE = '.event_storage.snapshot';

/** Folders of a storage root with a safe name: the grid searches (ascending). */
export async function gridSearchIds(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && SafeNameSchema.safeParse(e.name).success)
    .map((e) => e.name)
    .sort();
}

export interface StoredGridSearch {
  grid_search_id: string;
  experiments: number;
  modified: string;
}

/** The grid searches of a storage root (folders with a safe name), newest id first. */
export async function listGridSearches(root: string): Promise<StoredGridSearch[]> {
  const out: StoredGridSearch[] = [];
  for (const id of await gridSearchIds(root)) {
    const dir = join(root, id);
    const info = await stat(dir).catch(() => undefined);
    if (!info) continue;
    out.push({ grid_search_id: id, experiments: (await integerDirs(dir)).length, modified: info.mtime.toISOString() });
  }
  return out.sort((a, b) => (a.grid_search_id < b.grid_search_id ? 1 : -1));
}
