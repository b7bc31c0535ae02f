export { DEFAULT_CHUNK_BYTES } from './eventLog.js';
export type { AppendResult, CommitListener, EventLog, PublisherBatch, RawChunk, StoredEvent } from './eventLog.js';
export { InMemoryEventLog } from './inMemoryEventLog.js';
export { FileEventLog, LOG_FILE } from './fileEventLog.js';
export type { FileEventLogOptions, FsyncPolicy } from './fileEventLog.js';
export { FileEventStorage, InMemoryEventStorage } from './eventStorage.js';
export type { EventLogProvider, FileEventStorageOptions, GridSearchSummary, SidecarFile } from './eventStorage.js';
export {
  annotationEvent,
  catchUpAnnotations,
  conflictMessage,
  createAnnotationView,
  foldAnnotationLine,
} from './annotationLog.js';
export type { AnnotationView } from './annotationLog.js';
export { describeSource, readGridSearchLines } from './gridSearchSource.js';
export type { GridSearchSource, StoredLine } from './gridSearchSource.js';
export { readAnnotations, writeAnnotation } from './gridSearchAnnotations.js';
export type { WriteOptions } from './gridSearchAnnotations.js';
export { exportReport } from './reportExport.js';
export type { ReportExport } from './reportExport.js';
