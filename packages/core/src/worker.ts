/**
 * `@mlgym/core/worker`: the insides of worker processes, for the app that starts them (`mlgym
 * _worker`, `mlgym worker`). Users and apps otherwise need only the main entry point.
 */
export { runWorker } from './gym/jobWorker.js';
export type { WorkerHost } from './gym/jobWorker.js';
export type { StoreDescriptor, WorkerMessage, WorkerRequest } from './gym/processPool.js';
