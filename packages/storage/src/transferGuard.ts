import type { Socket } from 'node:net';

/** Limits of one exchange: connect, no progress in either direction, and an abort (the caller's deadline). */
export interface Transfer {
  connectMs: number;
  /** No bytes sent or received for this long: an upload the server stopped reading, no answer, a stalled body. */
  idleMs: number;
  signal: AbortSignal;
}

/** An error a retry may cure, with the code the client's retry rule knows. */
export function transferError(code: 'MLGYM_CONNECT_TIMEOUT' | 'MLGYM_IDLE_TIMEOUT', message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Arms the connect and idle timeouts and the abort on a socket; `fail` ends the exchange. */
export function guard(socket: Socket, limits: Transfer, fail: (error: Error) => void): () => void {
  const connectTimer = socket.connecting
    ? setTimeout(
        () => fail(transferError('MLGYM_CONNECT_TIMEOUT', `no connection within ${limits.connectMs / 1000} s`)),
        limits.connectMs,
      )
    : undefined;
  socket.once('connect', () => clearTimeout(connectTimer));
  const onIdle = () => fail(transferError('MLGYM_IDLE_TIMEOUT', `no data moved for ${limits.idleMs / 1000} s`));
  socket.setTimeout(limits.idleMs, onIdle);
  const onAbort = () => fail(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
  if (limits.signal.aborted) queueMicrotask(onAbort);
  else limits.signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    clearTimeout(connectTimer);
    socket.setTimeout(0, onIdle);
    socket.off('timeout', onIdle);
    limits.signal.removeEventListener('abort', onAbort);
  };
}
