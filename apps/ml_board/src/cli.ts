#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parsePort } from '@mlgym/launcher/cliOptions';
import { boardUrl } from './boardUrl.js';

function fail(message: string): never {
  process.stderr.write(`ml_board: ${message}\n`);
  process.exit(2);
}

function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:5001');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http(s) URL');
  return value.replace(/\/+$/, '');
}

function runId(value: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value) || value.includes('..')) {
    throw new InvalidArgumentError('expected a grid search id such as 2024-01-31--12-00-00');
  }
  return value;
}

const program = new Command('ml_board')
  .description('MLboard: serves the dashboard and prints the URL that opens it on a grid search')
  .option('--ml_board_host <host>', 'interface to bind (use 0.0.0.0 to accept remote browsers)', '127.0.0.1')
  .option('--ml_board_port <port>', 'port to listen on (0: a free one)', parsePort, 8080)
  .option('--rest_endpoint <url>', 'ml_board_rest_endpoint URL the page talks to', httpUrl, 'http://127.0.0.1:5001')
  .option('--ws_endpoint <url>', 'ml_board_ws_endpoint URL the page talks to', httpUrl, 'http://127.0.0.1:5002')
  .option('--run_id <grid_search_id>', 'grid search to open (without it the page offers a picker)', runId)
  .option('--allowed_hosts <names...>', 'names browsers reach the board by, beyond loopback and --ml_board_host')
  .option('--tls_cert <path>', 'serve https with this certificate (PEM; with --tls_key)')
  .option('--tls_key <path>', 'the private key of --tls_cert (PEM)')
  .exitOverride()
  .configureOutput({ writeErr: () => undefined });

try {
  program.parse();
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(0);
    fail(error.message.replace(/^error: /, ''));
  }
  throw error;
}

const opts = program.opts<{
  ml_board_host: string;
  ml_board_port: number;
  rest_endpoint: string;
  ws_endpoint: string;
  run_id?: string;
  allowed_hosts?: string[];
  tls_cert?: string;
  tls_key?: string;
}>();

let distDir: string;
try {
  distDir = join(dirname(realpathSync(fileURLToPath(import.meta.resolve('@mlgym/dashboard/package.json')))), 'dist');
} catch {
  fail('cannot find the @mlgym/dashboard package; run `npm install` and `npm run build` first');
}

// Imported after parsing, so `--help` and a bad flag answer without loading express and compression.
const [{ createBoardApp }, { createHostCheck, createServer, readTlsFiles }] = await Promise.all([
  import('./createBoardApp.js'),
  import('@mlgym/server-security'),
]);
let server: ReturnType<typeof createServer>;
let tls: ReturnType<typeof readTlsFiles>;
try {
  tls = readTlsFiles(opts.tls_cert, opts.tls_key);
  const hosts = createHostCheck({ bindHost: opts.ml_board_host, allowedHosts: opts.allowed_hosts });
  server = createServer(createBoardApp(distDir, { hosts }), tls);
} catch (error) {
  fail((error as Error).message);
}

server.listen(opts.ml_board_port, opts.ml_board_host, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : opts.ml_board_port;
  const url = boardUrl({
    scheme: tls ? 'https' : 'http',
    host: opts.ml_board_host,
    port: bound,
    restEndpoint: opts.rest_endpoint,
    wsEndpoint: opts.ws_endpoint,
    runId: opts.run_id,
  });
  process.stdout.write(
    `ml_board listening on ${tls ? 'https' : 'http'}://${opts.ml_board_host}:${bound} (dashboard: ${distDir})\n`,
  );
  process.stdout.write(`====> ACCESS MLBOARD VIA ${url}\n`);
});
server.on('error', (error: NodeJS.ErrnoException) => {
  const why = error.code === 'EADDRINUSE' ? 'the port is in use (choose another with --ml_board_port)' : error.message;
  fail(`cannot listen on ${opts.ml_board_host}:${opts.ml_board_port}: ${why}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
