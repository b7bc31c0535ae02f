import type { ReportBundle } from '@mlgym/protocol';
import type { WorkerLike } from '../createSocketWorker';
import { createEventFolder } from '../events/eventFolder';
import type { FromWorker, ToWorker } from '../worker/workerMessages';

/**
 * The socket worker of a report: instead of a connection and a history stream it has the report's events, which it
 * folds with the board's own folder and posts as the socket worker posts its history (connected, one update, done),
 * so the report's table and charts are made by the very code that makes the live board's.
 */
export function createReportWorker(bundle: ReportBundle): WorkerLike {
  const worker: WorkerLike = {
    onmessage: null,
    terminate: () => undefined,
    postMessage(message: unknown) {
      if ((message as ToWorker).type !== 'connect') return;
      const post = (m: FromWorker) => worker.onmessage?.({ data: m } as MessageEvent);
      // after the page's own work of this turn, as a worker's message would arrive
      setTimeout(() => {
        post({ type: 'connected', reconnect: false });
        const folder = createEventFolder();
        for (const [id, event] of bundle.events) folder.fold(id, event);
        post({ type: 'data', update: folder.take() });
        post({ type: 'historyDone', nextEventId: bundle.log_events });
      }, 0);
    },
  };
  return worker;
}
