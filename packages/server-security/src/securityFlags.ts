import { MlgymError } from '@mlgym/protocol';
import { createAccessControl } from './accessControl.js';
import type { AccessControl } from './accessControl.js';
import { unsafeBindReason } from './bindCheck.js';
import { readTlsFiles } from './tlsServer.js';
import type { TlsFiles } from './tlsServer.js';

/** The security flags the servers share, as their command lines parse them. */
export interface SecurityFlags {
  host: string;
  auth_token?: string | undefined;
  auth_tokens_file?: string | undefined;
  public_reads?: boolean | undefined;
  insecure_no_auth?: boolean | undefined;
  tls_cert?: string | undefined;
  tls_key?: string | undefined;
}

export interface ServerSecurity {
  access: AccessControl;
  tls: TlsFiles | undefined;
  /** For the listening line: how requests are checked. */
  summary: string;
}

/**
 * Turns the flags (and ML_BOARD_AUTH_TOKEN) into what a server checks: its tokens, its certificate. Throws, so
 * the server does not start, on a tokens file or certificate it cannot use and on an open server bound beyond
 * loopback without --insecure_no_auth.
 */
export function securityFromFlags(
  flags: SecurityFlags,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): ServerSecurity {
  const token = flags.auth_token ?? (env['ML_BOARD_AUTH_TOKEN'] || undefined);
  const tls = readTlsFiles(flags.tls_cert, flags.tls_key);
  const access = createAccessControl({
    token,
    tokensFile: flags.auth_tokens_file,
    publicReads: flags.public_reads,
    log,
  });
  const unsafe = unsafeBindReason({
    host: flags.host,
    authRequired: access.authRequired,
    insecureNoAuth: flags.insecure_no_auth ?? false,
  });
  if (unsafe) {
    access.close();
    throw new MlgymError({ code: 'BAD_REQUEST', message: unsafe });
  }
  const sources = [
    ...(token ? ['a token'] : []),
    ...(flags.auth_tokens_file ? [`the tokens in ${flags.auth_tokens_file}`] : []),
  ];
  const summary = access.authRequired
    ? `requests need ${sources.join(' or ')}${access.publicReads ? ' (reads are public)' : ''}`
    : 'no token needed';
  return { access, tls, summary };
}
