import type { ExperimentStatusEntry } from '@mlgym/protocol';

export interface CheckpointRef {
  gridSearchId: string;
  experimentId: number;
  epoch: number;
}

export interface CheckpointFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * What a run needs from the store of record: configs, experiment statuses (for warm starts) and
 * checkpoints. `LocalGridSearchStore` keeps them in a folder; `HttpGridSearchStore` talks to
 * ml_board_rest_endpoint, which keeps them in the same layout.
 */
export interface GridSearchStore {
  /** Stores a config file verbatim: grid-search level, or experiment level when `experimentId` is given. */
  putConfig(gridSearchId: string, name: string, content: string, experimentId?: number): Promise<void>;
  getConfig(gridSearchId: string, name: string, experimentId?: number): Promise<string | undefined>;
  /** Experiments with a stored config, with the last epoch that has a checkpoint (-1 if none). */
  experiments(gridSearchId: string): Promise<ExperimentStatusEntry[]>;
  saveCheckpoint(ref: CheckpointRef, files: readonly CheckpointFile[]): Promise<void>;
  loadCheckpoint(ref: CheckpointRef): Promise<CheckpointFile[]>;
  /** Epochs that have checkpoints, newest first. */
  listCheckpoints(gridSearchId: string, experimentId: number): Promise<number[]>;
  deleteCheckpoint(ref: CheckpointRef): Promise<void>;
}
