import type { ExperimentListing, StorageRoot } from '@mlgym/storage';

/** What every router needs: the storage and the limits. */
export interface RestContext {
  storage: StorageRoot;
  /** The experiments listings, kept in memory. */
  listing: ExperimentListing;
  maxUploadBytes: number;
  maxChunkBytes: number;
  log: (line: string) => void;
}
