// npm run example: the example grid search with the MLboard endpoints, on embedded defaults.
// Starts ml_board_ws_endpoint and ml_board_rest_endpoint on free local ports, runs the example
// with its logging pointed at them, and leaves the results in ./event_storage.
import { spawn } from 'node:child_process';
import { startApp } from '../bench/startApp.mjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const storage = join(repo, 'event_storage');
const example = process.argv[2] ?? 'grid_search_example';

mkdirSync(storage, { recursive: true });
const ws = await startApp('ml_board_ws_endpoint', ['--event_storage_path', storage]);
const rest = await startApp('ml_board_rest_endpoint', ['--event_storage_path', storage]);
console.log(`MLboard endpoints: websocket ${ws.url}, REST ${rest.url} (storage ${storage})`);
// The example's run config, with its logging section pointed at the endpoints just started.
const source = join(repo, 'example', example, 'run_config.yml');
const config = join(repo, 'example', example, '.run_config.mlboard.yml');
const base = readFileSync(source, 'utf8').replace(/^logging:[\s\S]*$/m, '');
writeFileSync(
  config,
  `${base}\nlogging:\n  websocket_logging_servers: [${ws.url}]\n  gs_rest_api_endpoint: ${rest.url}\n`,
);
const run = spawn(process.execPath, [join(repo, 'apps/mlgym/dist/cli.js'), 'run', '--config_path', config], {
  stdio: 'inherit',
});
const code = await new Promise((r) => run.once('exit', r));
for (const { child } of [ws, rest]) child.kill('SIGTERM');
console.log(`\nResults, configs, checkpoints and the event log are in ${storage}/<grid search id>/.`);
console.log(
  'Serve them again with: node apps/ml_board_ws_endpoint/dist/cli.js --event_storage_path event_storage (and the REST endpoint likewise).',
);
process.exitCode = code ?? 1;
