import type { Server, Socket } from 'socket.io';
import { PUBLISHER_ROOMS, WS_MESSAGE_SCOPES } from '@mlgym/protocol';
import type { AuthErrorBody, ClientToServerEvents, ServerToClientEvents } from '@mlgym/protocol';
import type { AccessControl } from '@mlgym/server-security';

/**
 * Prefix of the second room a connection joins for a grid search when it receives only the original's event types
 * (the live broadcast leaves them out of the room's other events). Not a valid grid search id.
 */
export const ORIGINAL_ONLY = 'original-events\u0000';

/** What a connection keeps: the token of its handshake, checked again for each message (tokens reload). */
export interface SocketData {
  token: string | undefined;
}
export type MlgymServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type MlgymSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Whether a token may send `message` (its scope from WS_MESSAGE_SCOPES), on `gridSearchId` when given. */
export type Permit = (
  token: string | undefined,
  message: keyof ClientToServerEvents,
  what: string,
  gridSearchId?: string,
) => AuthErrorBody | undefined;

export function messagePermit(access: AccessControl): Permit {
  return (token, message, what, gridSearchId) => {
    const need = WS_MESSAGE_SCOPES[message];
    if (need === null) return undefined;
    const result = access.check(token, need, gridSearchId, what);
    return result.ok ? undefined : { code: result.code, message: result.message };
  };
}

/**
 * After the tokens changed: a connection whose token is gone is closed, and rooms its token may no longer read
 * are left (live events of them stop at once).
 */
export function recheckConnections(io: MlgymServer, access: AccessControl): void {
  for (const socket of io.sockets.sockets.values()) {
    const who = access.authenticate(socket.data.token);
    if (!who.ok) {
      socket.emit('mlgym_error', { code: who.code, message: who.message });
      socket.disconnect(true);
      continue;
    }
    for (const room of socket.rooms) {
      if (room === socket.id || room.startsWith(ORIGINAL_ONLY)) continue;
      if ((PUBLISHER_ROOMS as readonly string[]).includes(room)) continue;
      const forbidden = access.authorize(who.principal, 'read', room, `follow ${room}`);
      if (forbidden) {
        void socket.leave(room);
        void socket.leave(ORIGINAL_ONLY + room);
        socket.emit('mlgym_error', forbidden);
      }
    }
  }
}
