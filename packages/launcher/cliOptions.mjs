// Option parsers the apps' command lines share (commander calls them with the option's text).
import { InvalidArgumentError } from 'commander';

/** A TCP port, 0 (a free one) to 65535; commander reports anything else as the option's error. */
export function parsePort(value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

/**
 * The token, host and TLS options both endpoints take (`securityFromFlags` in @mlgym/server-security reads
 * them). `who` names what sends the token ("request", "client"); `publicReads` says what stays open.
 */
export function addEndpointSecurityOptions(command, { who, publicReads, tlsServes }) {
  return command
    .option(
      '--auth_token <token>',
      `a token with the admin scope that every ${who} must send (default: $ML_BOARD_AUTH_TOKEN)`,
    )
    .option('--auth_tokens_file <path>', 'tokens with scopes, one per line (see ml_board_token); reloaded on change')
    .option(
      '--public_reads',
      `with tokens: ${who}s without one may still read${publicReads ? ` (${publicReads})` : ''}`,
      false,
    )
    .option('--insecure_no_auth', 'allow binding beyond loopback without any token', false)
    .option(
      '--allowed_hosts <names...>',
      'names clients reach this server by, beyond loopback and --host (DNS rebinding)',
    )
    .option('--tls_cert <path>', `serve ${tlsServes} with this certificate (PEM; with --tls_key)`)
    .option('--tls_key <path>', 'the private key of --tls_cert (PEM)');
}
