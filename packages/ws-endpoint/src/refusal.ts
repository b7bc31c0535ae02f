import { MlgymError } from '@mlgym/protocol';
import type { PublishAck } from '@mlgym/protocol';
import type { MlgymSocket } from './socketAccess.js';

/** A client's acknowledgement callback, if it sent one. */
export type Ack<T> = ((result: T) => void) | undefined;

export function asAck<T>(ack: unknown): Ack<T> {
  return typeof ack === 'function' ? (ack as (result: T) => void) : undefined;
}

/** What a client is told of an error: an MlgymError's code and message; anything else is internal. */
export function errorBody(error: unknown): { code: string; message: string } {
  if (error instanceof MlgymError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: 'internal error while handling the event' };
}

/**
 * How a request of one socket is refused: `mlgym_error` and a log line to its sender (the original's
 * clients print those) and a failed acknowledgement; an error that is no MlgymError is reported too.
 */
export function createRefusal(report: (line: string) => void) {
  return (socket: MlgymSocket, error: unknown, ack?: Ack<PublishAck>): void => {
    const body = errorBody(error);
    if (!(error instanceof MlgymError)) report(`ws endpoint: ${error instanceof Error ? error.stack : String(error)}`);
    socket.emit('mlgym_error', body);
    socket.emit('server_log_message', `Refused: ${body.message}`);
    ack?.({ ok: false, ...body });
  };
}
export type Refuse = ReturnType<typeof createRefusal>;
