// A pool or distributed worker process: its parent sends jobs over IPC. Started directly (not through the CLI),
// so a worker loads only what a job needs: no commander, no Redis client, no planning code.
import { startJobWorker } from './startJobWorker.js';

await startJobWorker();
