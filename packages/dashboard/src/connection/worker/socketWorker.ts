/// <reference lib="webworker" />
import '../../shared/noEval';
import { io } from 'socket.io-client';
import { createSocketSession } from './socketSession';
import type { ToWorker } from './workerMessages';

// The socket worker's entry: one session (socketSession.ts) with the worker's socket.io and postMessage.
declare const self: DedicatedWorkerGlobalScope;

const session = createSocketSession({
  connect: io,
  post: (message, transfer) => self.postMessage(message, transfer),
});
self.onmessage = (event: MessageEvent<ToWorker>) => session.handle(event.data);
