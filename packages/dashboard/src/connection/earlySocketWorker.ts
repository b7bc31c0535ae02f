import type { Settings } from './settings/settingsStorage';
import type { WorkerLike } from './createSocketWorker';
import type { ToWorker } from './worker/workerMessages';

/** A socket worker that was told to connect before the page's code had loaded. */
export interface EarlySocketWorker {
  /**
   * The worker, once, for a connection request with these settings: its messages so far are kept
   * and arrive as soon as `onmessage` is set. Undefined for other settings or a second request.
   */
  adopt(settings: Settings): WorkerLike | undefined;
}

const same = (a: Settings, b: Settings) =>
  a.gridSearchId === b.gridSearchId && a.socketConnectionUrl === b.socketConnectionUrl && a.restApiUrl === b.restApiUrl;

/**
 * Starts the socket worker and its connection at once. Connecting and streaming the stored history
 * is the longest wait of a page load, so it runs while the application's code loads and mounts.
 */
export function startEarlySocketWorker(
  settings: Settings,
  batching: boolean,
  create: () => WorkerLike,
  /** The token entered for the websocket endpoint's origin in this tab, if any. */
  token: string | null = null,
): EarlySocketWorker {
  const worker = create();
  const kept: MessageEvent[] = [];
  let handler: ((event: MessageEvent) => void) | null = null;
  let adopted = false;
  worker.onmessage = (event) => (handler ? handler(event) : kept.push(event));
  const connect: ToWorker = { type: 'connect', settings, lastEventId: -1, batching, token };
  worker.postMessage(connect);
  const adoptable: WorkerLike = {
    postMessage: (message) => worker.postMessage(message),
    terminate: () => worker.terminate(),
    get onmessage() {
      return handler;
    },
    set onmessage(next) {
      handler = next;
      while (handler && kept.length) handler(kept.shift()!);
    },
  };
  return {
    adopt(requested) {
      if (adopted || !same(requested, settings)) return undefined;
      adopted = true;
      return adoptable;
    },
  };
}
