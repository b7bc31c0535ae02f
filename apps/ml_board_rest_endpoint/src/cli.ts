#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { addEndpointSecurityOptions, parsePort } from '@mlgym/launcher/cliOptions';
import type { EndpointSecurityFlags } from '@mlgym/launcher/cliOptions';

function megabytes(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number of megabytes');
  return Math.floor(n * 1024 * 1024);
}

const program = addEndpointSecurityOptions(
  new Command('ml_board_rest_endpoint')
    .description('MLboard REST endpoint: configs, checkpoints, experiments and model cards over HTTP')
    .option('--host <host>', 'interface to bind (use 0.0.0.0 to accept remote clients)', '127.0.0.1')
    .option('--port <port>', 'port to listen on', parsePort, 5001)
    .option('--event_storage_path <path>', 'storage folder shared with ml_board_ws_endpoint', 'event_storage'),
  { who: 'request', tlsServes: 'https' },
)
  // Reads need the token by default now (--public_reads opens them); kept so old command lines still start.
  .addOption(new Option('--auth_reads').hideHelp())
  .option(
    '--cors_allowed_origins <origins...>',
    'browser origins allowed to call the API (default: the ml_board defaults)',
    ['http://127.0.0.1:8080', 'http://localhost:8080'],
  )
  .option('--max_upload_mb <mb>', 'largest checkpoint file', megabytes, 4096 * 1024 * 1024)
  .parse();

const opts = program.opts<
  EndpointSecurityFlags & {
    host: string;
    port: number;
    event_storage_path: string;
    cors_allowed_origins: string[];
    max_upload_mb: number;
  }
>();
// Imported after parsing, so `--help` answers without loading express and the endpoint.
const [{ createRestApp, sweepTemporaries }, { createServer, securityFromFlags }] = await Promise.all([
  import('@mlgym/rest-endpoint'),
  import('@mlgym/server-security'),
]);
let security: ReturnType<typeof securityFromFlags>;
try {
  security = securityFromFlags(opts, process.env, (line) => process.stderr.write(`ml_board_rest_endpoint: ${line}\n`));
} catch (error) {
  process.stderr.write(`ml_board_rest_endpoint: ${(error as Error).message}\n`);
  process.exit(2);
}
const app = createRestApp({
  storagePath: opts.event_storage_path,
  access: security.access,
  host: opts.host,
  allowedHosts: opts.allowed_hosts,
  corsAllowedOrigins: opts.cors_allowed_origins,
  maxUploadBytes: opts.max_upload_mb,
  log: (line) => process.stderr.write(`${line}\n`),
});
await app.init();
const swept = await sweepTemporaries(opts.event_storage_path);
if (swept > 0) process.stdout.write(`ml_board_rest_endpoint: removed ${swept} unfinished upload(s) left by a crash\n`);

const server = createServer(app, security.tls);
server.listen(opts.port, opts.host, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : opts.port;
  process.stdout.write(
    `ml_board_rest_endpoint listening on ${security.tls ? 'https' : 'http'}://${opts.host}:${bound} (event storage: ${opts.event_storage_path}; ${security.summary})\n`,
  );
});
// The tokens file is watched; SIGHUP re-reads it at once (as servers usually do).
process.on('SIGHUP', () => void security.access.reload());
server.on('error', (error) => {
  process.stderr.write(`ml_board_rest_endpoint: cannot listen on ${opts.host}:${opts.port}: ${error.message}\n`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
