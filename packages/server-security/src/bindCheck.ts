import { isIP } from 'node:net';
import { hostName } from './hostCheck.js';

/** Whether binding `host` accepts connections from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const name = hostName(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name) || name === '0:0:0:0:0:0:0:1';
  return false;
}

export interface BindCheckOptions {
  host: string;
  /** Tokens are configured (`--auth_token`, `--auth_tokens_file`). */
  authRequired: boolean;
  /** `--insecure_no_auth`: the user wants an open server beyond this machine. */
  insecureNoAuth: boolean;
}

/**
 * Why a server must not start: bound beyond loopback with no token, anyone who reaches the port reads every run
 * and writes into any. Undefined when it may start.
 */
export function unsafeBindReason(options: BindCheckOptions): string | undefined {
  if (options.authRequired || options.insecureNoAuth || isLoopbackHost(options.host)) return undefined;
  return (
    `--host ${options.host} accepts connections from other machines, and no token is configured: anyone who ` +
    'reaches the port could read every run and write into any. Set --auth_token (or ML_BOARD_AUTH_TOKEN) or ' +
    '--auth_tokens_file, or pass --insecure_no_auth to serve without tokens on purpose'
  );
}
