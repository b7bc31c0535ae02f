export { DEFAULT_CHUNK_BYTES } from './eventLog.js';
export type { AppendResult, CommitListener, EventLog, PublisherBatch, RawChunk, StoredEvent } from './eventLog.js';
export { InMemoryEventLog } from './inMemoryEventLog.js';
export { FileEventLog, LOG_FILE } from './fileEventLog.js';
export type { FileEventLogOptions, FsyncPolicy } from './fileEventLog.js';
export { FileEventStorage, InMemoryEventStorage } from './eventStorage.js';
export type { EventLogProvider, FileEventStorageOptions, GridSearchSummary, SidecarFile } from './eventStorage.js';
