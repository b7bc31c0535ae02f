import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addEndpointSecurityOptions, parsePort } from './cliOptions.mjs';

/** Parses `--port <value>` as an app's command line does, and what it printed on an error. */
function parse(value: string): { port?: number; error?: string } {
  let error = '';
  const program = new Command('server')
    .exitOverride()
    .configureOutput({ writeErr: (text) => (error += text) })
    .option('--port <port>', 'port to listen on', parsePort, 5001);
  try {
    program.parse(['--port', value], { from: 'user' });
    return { port: program.opts<{ port: number }>().port };
  } catch {
    return { error };
  }
}

describe('the --port option of the server CLIs', () => {
  it('takes a port from 0 (a free one) to 65535', () => {
    expect(parse('0')).toEqual({ port: 0 });
    expect(parse('5002')).toEqual({ port: 5002 });
    expect(parse('65535')).toEqual({ port: 65535 });
  });

  it('refuses anything else with the option named', () => {
    for (const bad of ['65536', '-1', '80.5', 'x', 'NaN'])
      expect(parse(bad).error).toBe(
        `error: option '--port <port>' argument '${bad}' is invalid. expected a port number 0-65535\n`,
      );
  });
});

describe('the security options both endpoints take', () => {
  const endpoint = () =>
    addEndpointSecurityOptions(new Command('endpoint').exitOverride(), { who: 'client', tlsServes: 'https' });

  it('default to no token, closed reads and no TLS', () => {
    expect(endpoint().parse([], { from: 'user' }).opts()).toEqual({ public_reads: false, insecure_no_auth: false });
  });

  it('read every flag as securityFromFlags expects it', () => {
    const args = ['--auth_tokens_file', 't.txt', '--public_reads', '--allowed_hosts', 'gpu-box', 'gpu-box.lan'];
    args.push('--tls_cert', 'c.pem', '--tls_key', 'k.pem', '--auth_token', 's3cret', '--insecure_no_auth');
    expect(endpoint().parse(args, { from: 'user' }).opts()).toEqual({
      auth_token: 's3cret',
      auth_tokens_file: 't.txt',
      public_reads: true,
      insecure_no_auth: true,
      allowed_hosts: ['gpu-box', 'gpu-box.lan'],
      tls_cert: 'c.pem',
      tls_key: 'k.pem',
    });
  });

  it('name who sends the token in the help', () => {
    const help = endpoint().options.find((o) => o.long === '--auth_token')?.description;
    expect(help).toBe('a token with the admin scope that every client must send (default: $ML_BOARD_AUTH_TOKEN)');
  });
});
