#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { addEndpointSecurityOptions, parsePort } from '@mlgym/launcher/cliOptions';
import type { EndpointSecurityFlags } from '@mlgym/launcher/cliOptions';
import type { FsyncPolicy } from '@mlgym/event-store';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function fsync(value: string): FsyncPolicy {
  if (value === 'always' || value === 'never') return value;
  const ms = /^interval:(\d+)$/.exec(value)?.[1];
  if (ms) return { intervalMs: Number(ms) };
  throw new InvalidArgumentError('expected always, never or interval:<ms>');
}

const program = addEndpointSecurityOptions(
  new Command('ml_board_ws_endpoint')
    .description('MLboard websocket endpoint: stores mlgym events and streams them to dashboards')
    .option('--host <host>', 'interface to bind (use 0.0.0.0 to accept remote clients)', '127.0.0.1')
    .option('--port <port>', 'port to listen on', parsePort, 5002)
    .option('--event_storage_path <path>', 'folder holding one event log per grid search', 'event_storage')
    .option(
      '--cors_allowed_origins <origins...>',
      'browser origins allowed to connect (default: the ml_board defaults)',
      ['http://127.0.0.1:8080', 'http://localhost:8080'],
    )
    .option(
      '--fsync <policy>',
      'when appends are synced to disk: always | never | interval:<ms>',
      fsync,
      'always' as FsyncPolicy,
    ),
  { who: 'client', publicReads: 'join, history, list', tlsServes: 'https/wss' },
)
  .option(
    '--max_keys_per_grid_search <n>',
    'distinct metric, loss and config keys a grid search may have',
    positiveInt,
    10_000,
  )
  .parse();

const opts = program.opts<
  EndpointSecurityFlags & {
    host: string;
    port: number;
    event_storage_path: string;
    cors_allowed_origins: string[];
    fsync: FsyncPolicy;
    max_keys_per_grid_search: number;
  }
>();
// Imported after parsing, so `--help` answers without loading socket.io, zod and the store.
const [{ FileEventStorage }, { isMlgymError }, { createWsEndpoint }, { securityFromFlags }] = await Promise.all([
  import('@mlgym/event-store'),
  import('@mlgym/protocol'),
  import('@mlgym/ws-endpoint'),
  import('@mlgym/server-security'),
]);
const log = (line: string) => process.stderr.write(`${line}\n`);
let security: ReturnType<typeof securityFromFlags>;
try {
  security = securityFromFlags(opts, process.env, (line) => log(`ml_board_ws_endpoint: ${line}`));
} catch (error) {
  process.stderr.write(`ml_board_ws_endpoint: ${(error as Error).message}\n`);
  process.exit(2);
}
const storage = new FileEventStorage(opts.event_storage_path, { fsync: opts.fsync });
const endpoint = createWsEndpoint({
  storage,
  corsAllowedOrigins: opts.cors_allowed_origins,
  log,
  access: security.access,
  allowedHosts: opts.allowed_hosts,
  tls: security.tls,
  maxKeysPerGridSearch: opts.max_keys_per_grid_search,
});

try {
  await storage.lockRoot();
  const bound = await endpoint.listen(opts.port, opts.host);
  process.stdout.write(
    `ml_board_ws_endpoint listening on ${security.tls ? 'https' : 'http'}://${opts.host}:${bound} (event storage: ${storage.root}; ${security.summary})\n`,
  );
} catch (error) {
  process.stderr.write(
    `ml_board_ws_endpoint: cannot start on ${opts.host}:${opts.port}: ${(error as Error).message}\n`,
  );
  process.exit(1);
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`ml_board_ws_endpoint: ${signal}, closing event logs…\n`);
  await endpoint.close();
  await storage.close();
  security.access.close();
  process.exit(0);
}
// The tokens file is watched; SIGHUP re-reads it at once (as servers usually do).
process.on('SIGHUP', () => void security.access.reload());
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('unhandledRejection', (error) => {
  process.stderr.write(`ml_board_ws_endpoint: ${isMlgymError(error) ? error.message : String(error)}\n`);
});
