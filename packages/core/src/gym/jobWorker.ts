import * as tf from '@tensorflow/tfjs';
import type { MlgymEvent } from '@mlgym/protocol';
import { HttpGridSearchStore, LocalGridSearchStore } from '@mlgym/storage';
import type { Backend } from '@mlgym/protocol';
import type { EventSink } from '../reporting/eventSink.js';
import { createDefaultRegistry } from '../components/createDefaultRegistry.js';
import { loadPlugins } from '../registry/loadPlugins.js';
import { runGymJob } from './runGymJob.js';
import type { WorkerMessage, WorkerRequest } from './processPool.js';

/** Forwards events to the parent process over IPC. */
class ParentSink implements EventSink {
  emit(event: MlgymEvent): void {
    process.send?.({ type: 'event', event } satisfies WorkerMessage);
  }
  async flush(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

/** A reused worker whose resident memory grows past this (wasm heaps never shrink) is retired. */
const DEFAULT_MAX_RSS_MB = 3072;

/**
 * The body of a pool or distributed worker process: runs the jobs it is sent one after another.
 * Each job gets a fresh component registry with the run's plugins and its own seeds; what is left
 * in the process between jobs is the tfjs backend (initialised once: it holds no job state) and
 * immutable caches (the MNIST arrays). After a job the worker checks that `tf.memory()` is back at
 * its baseline; a job that failed, left tensors behind or grew the process past its memory bound
 * retires the worker (it says why and exits), so the next job in that slot starts in a fresh one.
 */
export function runWorker(): void {
  let jobs = 0;
  let busy = false;
  process.on('message', (request: WorkerRequest) => {
    if (request.type !== 'run' || busy) return;
    busy = true;
    jobs += 1;
    void runRequest(request, jobs).then((message) => {
      busy = false;
      const exit = message.type !== 'done' || message.retire !== undefined || !request.reuse;
      process.send?.(message, () => {
        if (exit) process.exit(message.type === 'failed' ? 1 : 0);
      });
    });
  });
  process.on('SIGTERM', () => process.exit(143));
  // The parent died (killed, say): nobody is left to report to, and the job will run elsewhere.
  process.on('disconnect', () => process.exit(1));
}

const memoryOf = () => {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
};

async function runRequest(
  request: WorkerRequest,
  jobNumber: number,
): Promise<Exclude<WorkerMessage, { type: 'event' }>> {
  // tfjs counts nothing before its first backend is set up; the baseline is what the worker holds between jobs.
  const baseline = jobNumber === 1 ? undefined : memoryOf();
  try {
    const registry = createDefaultRegistry();
    await loadPlugins(registry, request.plugins ?? [], '/');
    const store =
      request.store.kind === 'local'
        ? new LocalGridSearchStore(request.store.root)
        : new HttpGridSearchStore({ baseUrl: request.store.baseUrl, authToken: process.env['ML_BOARD_AUTH_TOKEN'] });
    const outcome = await runGymJob({
      config: request.job.config,
      gridSearchId: request.gridSearchId,
      experimentId: request.job.experimentId,
      numEpochs: request.numEpochs,
      numBatchesPerEpoch: request.numBatchesPerEpoch,
      store,
      sink: new ParentSink(),
      backend: request.backend as Backend | undefined,
      seed: request.seed,
      resume: request.job.resume,
      configDir: request.configDir,
      registry,
    });
    const result = {
      experimentId: request.job.experimentId,
      status: outcome.alreadyComplete ? ('skipped' as const) : ('done' as const),
      lastEpoch: outcome.lastEpoch,
      stoppedEarly: outcome.stoppedEarly,
      final: outcome.history.at(-1)?.results,
    };
    return { type: 'done', result, retire: request.reuse ? retireReason(baseline) : undefined };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    return { type: 'failed', error: err.message, stack: err.stack };
  }
}

/** Why this worker must not run another job, if it must not. */
function retireReason(baseline: { numTensors: number; numBytes: number } | undefined): string | undefined {
  const now = memoryOf();
  if (baseline === undefined) {
    // The first job's baseline is zero tensors: the backend keeps none of its own between jobs.
    if (now.numTensors !== 0 || now.numBytes !== 0)
      return `the job left ${now.numTensors} tensors (${now.numBytes} bytes) behind`;
  } else if (now.numTensors !== baseline.numTensors || now.numBytes !== baseline.numBytes) {
    return `the job left ${now.numTensors - baseline.numTensors} tensors (${now.numBytes - baseline.numBytes} bytes) behind`;
  }
  const maxMb = Number(process.env['MLGYM_WORKER_MAX_RSS_MB'] ?? DEFAULT_MAX_RSS_MB);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  if (rssMb > maxMb) return `the worker uses ${rssMb.toFixed(0)} MB, more than its bound of ${maxMb} MB`;
  return undefined;
}
