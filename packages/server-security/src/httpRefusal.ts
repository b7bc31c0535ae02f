import type { ServerResponse } from 'node:http';
import type { AuthErrorBody, AuthErrorCode } from '@mlgym/protocol';

/** 401 when the request lacks a usable token (asking for one helps), 403 when asking again would not. */
export function refusalStatus(code: AuthErrorCode): 401 | 403 {
  return code === 'AUTH_REQUIRED' || code === 'AUTH_INVALID' ? 401 : 403;
}

/** The headers of a refusal: 401s say which scheme to use (RFC 6750). */
export function refusalHeaders(code: AuthErrorCode): Record<string, string> {
  if (code === 'AUTH_REQUIRED') return { 'WWW-Authenticate': 'Bearer' };
  if (code === 'AUTH_INVALID') return { 'WWW-Authenticate': 'Bearer error="invalid_token"' };
  return {};
}

/** Answers a refused request on a plain node response: status, headers and the JSON body `{code, message}`. */
export function writeRefusal(res: ServerResponse, refusal: AuthErrorBody): void {
  const body: AuthErrorBody = { code: refusal.code, message: refusal.message };
  res.writeHead(refusalStatus(refusal.code), {
    ...refusalHeaders(refusal.code),
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

/** The token of an `Authorization: Bearer <token>` header (undefined when there is none or another scheme). */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1];
}
