/** The subset of `Worker` the connection listener uses (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export function createSocketWorker(): WorkerLike {
  return new Worker(new URL('./worker/socketWorker.ts', import.meta.url), { type: 'module', name: 'mlboard-socket' });
}
