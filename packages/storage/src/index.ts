export { StorageRoot, integerName, safeName } from './storageRoot.js';
export {
  TEMP_PREFIX,
  checkDigests,
  commitFile,
  digestOf,
  digestPath,
  readDigest,
  serialized,
  versionKey,
  writeAtomic,
  writeSmallAtomic,
} from './atomicWrite.js';
export type { ExpectedDigest, WrittenFile } from './atomicWrite.js';
export { EXPERIMENT_CONFIGS, GRID_SEARCH_CONFIGS, USER_CONFIG_DIR, configSegments } from './configFile.js';
export { isInside, openInside, openInsideSync, readInside } from './safeFile.js';
export {
  EVENT_LOG_FILE,
  EVENT_SNAPSHOT_FILE,
  checkpointList,
  gridSearchIds,
  integerDirs,
  listGridSearches,
  visibleFiles,
} from './listing.js';
export type { CheckpointEntry, StoredGridSearch } from './listing.js';
export { EXPERIMENT_CONFIG_FILE, ExperimentListing, readExperiment } from './experimentListing.js';
export type { ExperimentState } from './experimentListing.js';
export { sweepTemporaries } from './sweepTemporaries.js';
export type { CheckpointFile, CheckpointRef, GridSearchStore } from './gridSearchStore.js';
export { LocalGridSearchStore } from './localGridSearchStore.js';
export { HttpGridSearchStore } from './httpGridSearchStore.js';
export type { HttpGridSearchStoreOptions } from './httpGridSearchStore.js';
export { DEFAULT_HTTP_TIMEOUTS, createRestClient, httpTimeoutsFromEnv } from './restClient.js';
export type { HttpTimeouts, RestCall, RestClient, RestResponse } from './restClient.js';
export { CHUNKS_PREFIX, chunkedUploadState, receiveChunk } from './chunkedUploads.js';
export type { ChunkTarget, ChunkedUploadMeta } from './chunkedUploads.js';
