import type { MlgymEvent } from '@mlgym/protocol';
import { makeStore } from '../app/store';
import type { WorkerLike } from '../connection/createSocketWorker';
import { dataReceived } from '../connection/events/dataActions';
import { createEventFolder } from '../connection/events/eventFolder';
import type { FromWorker } from '../connection/worker/workerMessages';

/** A Storage in memory (the tests run without a browser). */
export function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, String(v)),
  };
}

/** Records what the page posts and lets a test answer as the socket worker would. */
export class FakeWorker implements WorkerLike {
  posted: unknown[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  send(message: FromWorker): void {
    this.onmessage?.({ data: message } as MessageEvent);
  }
}

export function testStore(storage = memoryStorage()) {
  const workers: FakeWorker[] = [];
  const store = makeStore({
    storage,
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
  });
  return { store, workers, storage };
}

/** Folds events as the worker does and applies the update, as one batch. */
export function deliver(store: ReturnType<typeof makeStore>, events: MlgymEvent[], firstId = 0): void {
  const folder = createEventFolder(firstId - 1);
  events.forEach((e, i) => folder.fold(firstId + i, e));
  store.dispatch(dataReceived(folder.take()));
}
