import type { Socket } from 'socket.io';
import type { AuthErrorBody } from '@mlgym/protocol';
import { bearerToken, hostRefusal } from '@mlgym/server-security';
import type { AccessControl, HostCheck } from '@mlgym/server-security';

/** A refusal as socket.io hands it to the client's `connect_error`: `err.message` and `err.data = {code, message}`. */
function refusalError(refusal: AuthErrorBody): Error & { data: AuthErrorBody } {
  return Object.assign(new Error(refusal.message), { data: { code: refusal.code, message: refusal.message } });
}

/** The token of a handshake: `auth: {token}` (browsers, the trainer), else an `Authorization: Bearer` header. */
function handshakeToken(socket: Socket): string | undefined {
  const auth: unknown = socket.handshake.auth;
  const token = auth && typeof auth === 'object' ? (auth as Record<string, unknown>)['token'] : undefined;
  if (typeof token === 'string' && token !== '') return token;
  return bearerToken(socket.handshake.headers.authorization);
}

/**
 * socket.io middleware run for each connection before any message: the Host must name this server (a page on a
 * rebound name gets HOST_NOT_ALLOWED) and the token must be valid where tokens are set. The token is kept on the
 * socket and checked again, with its scope and grid searches, for each message.
 */
export function guardHandshake(access: AccessControl, hosts: () => HostCheck) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const check = hosts();
    const host = socket.handshake.headers.host;
    if (!check.allows(host)) return next(refusalError(hostRefusal(host, check)));
    const token = handshakeToken(socket);
    const who = access.authenticate(token);
    if (!who.ok) return next(refusalError({ code: who.code, message: who.message }));
    (socket.data as { token: string | undefined }).token = token;
    next();
  };
}
