import type { MlgymEvent } from '@mlgym/protocol';
import { HttpGridSearchStore, LocalGridSearchStore } from '@mlgym/storage';
import type { Backend } from '@mlgym/protocol';
import type { EventSink } from '../reporting/eventSink.js';
import { createDefaultRegistry } from '../components/createDefaultRegistry.js';
import { loadPlugins } from '../registry/loadPlugins.js';
import { runGymJob } from '../training/runGymJob.js';
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

/** The body of a pool worker process: runs the one job it is sent, reports, exits. */
export function runWorker(): void {
  process.once('message', (request: WorkerRequest) => {
    void runRequest(request);
  });
  process.on('SIGTERM', () => process.exit(143));
  // The parent died (killed, say): nobody is left to report to, and the job will run elsewhere.
  process.on('disconnect', () => process.exit(1));
}

async function runRequest(request: WorkerRequest): Promise<void> {
  const registry = createDefaultRegistry();
  try {
    await loadPlugins(registry, request.plugins ?? [], '/');
  } catch (error) {
    const err = error as Error;
    process.send?.({ type: 'failed', error: err.message, stack: err.stack } satisfies WorkerMessage, () =>
      process.exit(1),
    );
    return;
  }
  {
    const store =
      request.store.kind === 'local'
        ? new LocalGridSearchStore(request.store.root)
        : new HttpGridSearchStore({ baseUrl: request.store.baseUrl, authToken: process.env['ML_BOARD_AUTH_TOKEN'] });
    runGymJob({
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
    }).then(
      (outcome) => {
        const result = {
          experimentId: request.job.experimentId,
          status: outcome.alreadyComplete ? ('skipped' as const) : ('done' as const),
          lastEpoch: outcome.lastEpoch,
          stoppedEarly: outcome.stoppedEarly,
          final: outcome.history.at(-1)?.results,
        };
        process.send?.({ type: 'done', result } satisfies WorkerMessage, () => process.exit(0));
      },
      (error: unknown) => {
        const err = error instanceof Error ? error : new Error(String(error));
        process.send?.({ type: 'failed', error: err.message, stack: err.stack } satisfies WorkerMessage, () =>
          process.exit(1),
        );
      },
    );
  }
}
