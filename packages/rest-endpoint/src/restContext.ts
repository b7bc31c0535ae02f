import type { StorageRoot } from '@mlgym/storage';

/** What every router needs: the storage and the limits. */
export interface RestContext {
  storage: StorageRoot;
  maxUploadBytes: number;
  maxChunkBytes: number;
  log: (line: string) => void;
}
