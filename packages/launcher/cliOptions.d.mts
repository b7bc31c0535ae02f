import type { Command } from 'commander';

/** A TCP port, 0 (a free one) to 65535; commander reports anything else as the option's error. */
export declare function parsePort(value: string): number;

/** What `addEndpointSecurityOptions` adds to a command's parsed options. */
export interface EndpointSecurityFlags {
  auth_token?: string;
  auth_tokens_file?: string;
  public_reads: boolean;
  insecure_no_auth: boolean;
  allowed_hosts?: string[];
  tls_cert?: string;
  tls_key?: string;
}

/**
 * The token, host and TLS options both endpoints take (`securityFromFlags` in @mlgym/server-security reads
 * them). `who` names what sends the token ("request", "client"); `publicReads` says what stays open.
 */
export declare function addEndpointSecurityOptions<C extends Command>(
  command: C,
  options: { who: string; publicReads?: string; tlsServes: string },
): C;
