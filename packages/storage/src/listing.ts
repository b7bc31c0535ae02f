import { readFile, readdir } from 'node:fs/promises';
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

/** Highest epoch with a checkpoint, or -1. */
export async function lastCheckpointId(experimentDir: string): Promise<number> {
  for (const epoch of (await integerDirs(experimentDir)).reverse()) {
    if ((await visibleFiles(join(experimentDir, String(epoch)))).length > 0) return epoch;
  }
  return -1;
}

export async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}
