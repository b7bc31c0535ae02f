import type { AccessControl } from '@mlgym/server-security';
import type { ExperimentListing, StorageRoot } from '@mlgym/storage';

/** What every router needs: the storage and the limits. */
export interface RestContext {
  storage: StorageRoot;
  /** Who may read which grid search (listings show only those). */
  access: AccessControl;
  /** The experiments listings, kept in memory. */
  listing: ExperimentListing;
  maxUploadBytes: number;
  maxChunkBytes: number;
  log: (line: string) => void;
}
