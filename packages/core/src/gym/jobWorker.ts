import * as tf from '@tensorflow/tfjs';
import type { MlgymEvent } from '@mlgym/protocol';
import { HttpGridSearchStore, LocalGridSearchStore } from '@mlgym/storage';
import type { Backend } from '@mlgym/protocol';
import type { EventSink } from '../reporting/eventSink.js';
import { createDefaultRegistry } from '../components/createDefaultRegistry.js';
import { loadPlugins } from '../registry/loadPlugins.js';
import { runGymJob } from './runGymJob.js';
import type { FlushedMessage, WorkerMessage, WorkerRequest } from './processPool.js';

/** What a worker process gives the job loop; the app that starts the process builds it (IPC, exit, settings). */
export interface WorkerHost {
  /** Calls `handler` with each message of the parent (a job to run, or the answer to a flush). */
  onRequest(handler: (request: WorkerRequest | FlushedMessage) => void): void;
  /** Sends a message to the parent; `sent` runs once it is handed over. */
  send(message: WorkerMessage, sent?: () => void): void;
  /** Ends the worker process (after its last message was handed over). */
  exit(code: number): void;
  /** Bearer token of an HTTP checkpoint store (ML_BOARD_AUTH_TOKEN). */
  authToken?: string | undefined;
  /** A reused worker whose resident memory grows past this many MB is retired. @default 3072 */
  maxRssMb?: number | undefined;
}

/**
 * Forwards events to the parent process over IPC. `flush` asks the parent to store what it was sent (the
 * checkpoint callback waits for it, so no checkpoint is stored whose epoch's events could still be lost).
 */
class ParentSink implements EventSink {
  private nextId = 0;
  constructor(
    private readonly host: WorkerHost,
    private readonly pending: Map<number, (ok: boolean) => void>,
  ) {}
  emit(event: MlgymEvent): void {
    this.host.send({ type: 'event', event } satisfies WorkerMessage);
  }
  flush(timeoutMs = 10_000): Promise<boolean> {
    const id = this.nextId++;
    return new Promise<boolean>((resolve) => {
      // The parent answers within its own timeout; this one only covers a parent that is gone.
      const timer = setTimeout(() => settle(false), timeoutMs + 5000);
      const settle = (ok: boolean) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(ok);
      };
      this.pending.set(id, settle);
      this.host.send({ type: 'flush', id, timeoutMs } satisfies WorkerMessage);
    });
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
export function runWorker(host: WorkerHost): void {
  let jobs = 0;
  let busy = false;
  const flushes = new Map<number, (ok: boolean) => void>();
  host.onRequest((request) => {
    if (request.type === 'flushed') return flushes.get(request.id)?.(request.ok);
    if (request.type !== 'run' || busy) return;
    busy = true;
    jobs += 1;
    void runRequest(request, jobs, host, new ParentSink(host, flushes)).then((message) => {
      busy = false;
      const exit = message.type !== 'done' || message.retire !== undefined || !request.reuse;
      host.send(message, () => {
        if (exit) host.exit(message.type === 'failed' ? 1 : 0);
      });
    });
  });
}

const memoryOf = () => {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
};

async function runRequest(
  request: WorkerRequest,
  jobNumber: number,
  host: WorkerHost,
  sink: EventSink,
): Promise<Exclude<WorkerMessage, { type: 'event' | 'flush' }>> {
  // tfjs counts nothing before its first backend is set up; the baseline is what the worker holds between jobs.
  const baseline = jobNumber === 1 ? undefined : memoryOf();
  try {
    const registry = createDefaultRegistry();
    await loadPlugins(registry, request.plugins ?? [], '/');
    const store =
      request.store.kind === 'local'
        ? new LocalGridSearchStore(request.store.root)
        : new HttpGridSearchStore({
            baseUrl: request.store.baseUrl,
            authToken: request.store.authToken ?? host.authToken,
          });
    const outcome = await runGymJob({
      config: request.job.config,
      gridSearchId: request.gridSearchId,
      experimentId: request.job.experimentId,
      numEpochs: request.job.numEpochs ?? request.numEpochs,
      numBatchesPerEpoch: request.numBatchesPerEpoch,
      store,
      sink,
      backend: request.backend as Backend | undefined,
      seed: request.seed,
      resume: request.job.resume,
      configDir: request.configDir,
      registry,
      systemMetricsIntervalS: request.systemMetricsIntervalS,
    });
    const result = {
      experimentId: request.job.experimentId,
      status: outcome.alreadyComplete ? ('skipped' as const) : ('done' as const),
      lastEpoch: outcome.lastEpoch,
      stoppedEarly: outcome.stoppedEarly,
      final: outcome.final,
    };
    return { type: 'done', result, retire: request.reuse ? retireReason(baseline, host.maxRssMb) : undefined };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    return { type: 'failed', error: err.message, stack: err.stack };
  }
}

/** Why this worker must not run another job, if it must not. */
function retireReason(
  baseline: { numTensors: number; numBytes: number } | undefined,
  maxMb = DEFAULT_MAX_RSS_MB,
): string | undefined {
  const now = memoryOf();
  if (baseline === undefined) {
    // The first job's baseline is zero tensors: the backend keeps none of its own between jobs.
    if (now.numTensors !== 0 || now.numBytes !== 0)
      return `the job left ${now.numTensors} tensors (${now.numBytes} bytes) behind`;
  } else if (now.numTensors !== baseline.numTensors || now.numBytes !== baseline.numBytes) {
    return `the job left ${now.numTensors - baseline.numTensors} tensors (${now.numBytes - baseline.numBytes} bytes) behind`;
  }
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  if (rssMb > maxMb) return `the worker uses ${rssMb.toFixed(0)} MB, more than its bound of ${maxMb} MB`;
  return undefined;
}
