#!/usr/bin/env node
import type { Server } from 'node:http';
import { Command, InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

function megabytes(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number of megabytes');
  return Math.floor(n * 1024 * 1024);
}

const program = new Command('ml_board_rest_endpoint')
  .description('MLboard REST endpoint: configs, checkpoints, experiments and model cards over HTTP')
  .option('--host <host>', 'interface to bind (use 0.0.0.0 to accept remote clients)', '127.0.0.1')
  .option('--port <port>', 'port to listen on', port, 5001)
  .option('--event_storage_path <path>', 'storage folder shared with ml_board_ws_endpoint', 'event_storage')
  .option('--auth_token <token>', 'bearer token required for writes (default: $ML_BOARD_AUTH_TOKEN)')
  .option('--auth_reads', 'require the token for reads too', false)
  .option(
    '--cors_allowed_origins <origins...>',
    'browser origins allowed to call the API (default: the ml_board defaults)',
    ['http://127.0.0.1:8080', 'http://localhost:8080'],
  )
  .option('--max_upload_mb <mb>', 'largest checkpoint file', megabytes, 4096 * 1024 * 1024)
  .parse();

const opts = program.opts<{
  host: string;
  port: number;
  event_storage_path: string;
  auth_token?: string;
  auth_reads: boolean;
  cors_allowed_origins: string[];
  max_upload_mb: number;
}>();
// Imported after parsing, so `--help` answers without loading express and the endpoint.
const { createRestApp, sweepTemporaries } = await import('@mlgym/rest-endpoint');
const token = opts.auth_token ?? process.env['ML_BOARD_AUTH_TOKEN'];
const app = createRestApp({
  storagePath: opts.event_storage_path,
  authToken: token,
  authReads: opts.auth_reads,
  corsAllowedOrigins: opts.cors_allowed_origins,
  maxUploadBytes: opts.max_upload_mb,
  log: (line) => process.stderr.write(`${line}\n`),
});
await app.init();
const swept = await sweepTemporaries(opts.event_storage_path);
if (swept > 0) process.stdout.write(`ml_board_rest_endpoint: removed ${swept} unfinished upload(s) left by a crash\n`);

const server: Server = app.listen(opts.port, opts.host, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : opts.port;
  process.stdout.write(
    `ml_board_rest_endpoint listening on http://${opts.host}:${bound} (event storage: ${opts.event_storage_path}${token ? ', token required for writes' : ''})\n`,
  );
});
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
