// npm start: MLboard (ml_board_ws_endpoint, ml_board_rest_endpoint and, when present, ml_board) on one
// event_storage/, then the example grid search with live progress; the board stays up until Ctrl-C.
//
//   npm start                              train example/grid_search_example
//   npm start -- --resume <grid search id> warm start: finish the unfinished experiments of that run
//   npm start -- --board-only              serve what is stored
//   --config_path <run_config.yml>         another run (the tests use tiny ones)
//   --storage <folder>                     instead of ./event_storage
//   --any_port                             free ports instead of the original's 5002 / 5001 / 8080
//
// Ctrl-C stops every process it started (each runs in its own process group): the run first (it stops before
// the next batch; stored checkpoints stay intact), then the services. The resume hint is printed at the end.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appBin, live, repo, startBoardServices, startProcess } from './lib/services.mjs';
import { trainingConfig, warmStartConfig } from './lib/runConfigs.mjs';

function options() {
  try {
    return parseArgs({
      options: {
        resume: { type: 'string' },
        'board-only': { type: 'boolean', default: false },
        config_path: { type: 'string', default: join(repo, 'example/grid_search_example/run_config.yml') },
        storage: { type: 'string', default: join(repo, 'event_storage') },
        any_port: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(
      `npm start: ${error.message}\nusage: npm start [-- --resume <grid search id> | --board-only] [--config_path <run_config.yml>] [--storage <folder>] [--any_port]\n`,
    );
    process.exit(2);
  }
}
const args = options();
const storage = resolve(args.storage);
const source = resolve(args.config_path);
/** A path as typed from here when it lies below, else absolute. */
const shown = (path) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || '.');
const say = (line) => process.stdout.write(`${line}\n`);
if (!args['board-only'] && !existsSync(source)) {
  process.stderr.write(`mlgym: ${source}: no such run config\n`);
  process.exit(2);
}
mkdirSync(storage, { recursive: true });

const before = new Set(readdirSync(storage));
let gridSearchId = args.resume;

/** Grid searches stored (folders with an event log), newest first: by their timestamp names, else by last write. */
function storedGridSearches() {
  const found = readdirSync(storage)
    .filter((d) => existsSync(join(storage, d, 'event_storage.log')))
    .map((d) => ({
      id: d,
      stamped: /^\d{4}-\d\d-\d\d--\d\d-\d\d-\d\d/.test(d),
      mtime: statSync(join(storage, d, 'event_storage.log')).mtimeMs,
    }));
  found.sort(
    (a, b) => Number(b.stamped) - Number(a.stamped) || (a.stamped ? b.id.localeCompare(a.id) : b.mtime - a.mtime),
  );
  return found.map((g) => g.id);
}
// --board-only opens the newest stored grid search at once; the page's picker lists the others.
const stored = args['board-only'] ? storedGridSearches() : [];
let run;
let interrupted = false;
// Child processes keep the event loop busy; this keeps the script alive even if they did not.
const forever = () => new Promise(() => setInterval(() => {}, 1 << 30));

let runEnded = false;
const resumeHint = () =>
  say(`\nCheckpoints are intact. Continue this run with:  npm start -- --resume ${gridSearchId}`);

async function shutdown(code) {
  if (run) await run.stop('SIGINT', 30_000, { leaderOnly: true });
  await Promise.all([...live].map((service) => service.stop()));
  if (gridSearchId && !runEnded && !args['board-only']) resumeHint();
  process.exit(code);
}
let firstSignal = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // npm forwards the terminal's Ctrl-C as well: only a second press, a moment later, forces the end.
    if (firstSignal && Date.now() - firstSignal > 1500) {
      say('\nmlgym: stopping now (SIGKILL)');
      for (const service of live) service.kill();
      process.exit(130);
    }
    if (firstSignal) return;
    firstSignal = Date.now();
    interrupted = true;
    say(`\nmlgym: ${signal}: stopping${run ? ' the run (checkpoints stay intact), then' : ''} MLboard…`);
    void shutdown(130);
  });
}

const endpoints = await startBoardServices({
  storage,
  ports: args.any_port ? {} : { ws: 5002, rest: 5001, board: 8080 },
  runId: gridSearchId,
  echo: (name, line) => {
    if (/error|warn|cannot/i.test(line)) process.stderr.write(`[${name}] ${line}\n`);
  },
});
/** ml_board's URL, opened on grid search `id` (its query kept as ml_board wrote it, readable). */
const boardUrl = (id) => {
  const url = endpoints.boardUrl;
  if (!url || !id) return url;
  if (/[?&]run_id=/.test(url)) return url.replace(/([?&]run_id=)[^&#]*/, `$1${encodeURIComponent(id)}`);
  return `${url}${url.includes('?') ? '&' : '?'}run_id=${encodeURIComponent(id)}`;
};
function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length));
  say(`\n  ${'━'.repeat(width + 4)}`);
  for (const line of lines) say(`    ${line}`);
  say(`  ${'━'.repeat(width + 4)}\n`);
}
banner([
  endpoints.boardUrl
    ? `MLboard:  ${boardUrl(gridSearchId ?? stored[0])}`
    : 'MLboard:  (apps/ml_board is not in this tree; the endpoints below serve the data)',
  `websocket endpoint ${endpoints.wsUrl}   REST endpoint ${endpoints.restUrl}`,
  `event storage ${shown(storage)}`,
]);

if (!args['board-only']) {
  const config = gridSearchId ? warmStartConfig(source, gridSearchId, endpoints) : trainingConfig(source, endpoints);
  say(`${gridSearchId ? `Resuming grid search ${gridSearchId}` : 'Training'} (${shown(config)})…`);
  run = await startProcess({
    name: 'mlgym run',
    bin: appBin('mlgym'),
    args: ['run', '--config_path', config],
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // A new run's id is the folder it creates in the shared storage.
  const watch = setInterval(() => {
    if (gridSearchId) return clearInterval(watch);
    const fresh = readdirSync(storage).find((d) => !before.has(d) && existsSync(join(storage, d, 'run_config.yml')));
    if (!fresh) return;
    gridSearchId = fresh;
    say(`\ngrid search ${fresh}${endpoints.boardUrl ? `: watch it at ${boardUrl(fresh)}` : ''}\n`);
    clearInterval(watch);
  }, 200);
  const { code, signal } = await run.exited;
  clearInterval(watch);
  if (interrupted) await forever(); // shutdown() is finishing
  run = undefined;
  runEnded = true;
  if (code !== 0) {
    process.stderr.write(`mlgym: the run ended with ${signal ?? `exit code ${code}`}\n`);
    if (gridSearchId) resumeHint();
  }
}
/** What --board-only found, in words. */
const storedLine = () =>
  stored.length === 0
    ? 'no grid search yet'
    : stored.length === 1
      ? `grid search ${stored[0]}`
      : `${stored.length} grid searches; the URL opens the newest (${stored[0]})`;
banner([
  args['board-only']
    ? `Serving what is stored: ${storedLine()}.`
    : `Training ${runEnded && gridSearchId ? `of grid search ${gridSearchId} ` : ''}is over.`,
  endpoints.boardUrl
    ? `MLboard:  ${boardUrl(args['board-only'] ? stored[0] : gridSearchId)}`
    : `websocket endpoint ${endpoints.wsUrl}   REST endpoint ${endpoints.restUrl}`,
  ...(stored.length > 1 && endpoints.boardUrl ? [`Others: pick one from the list at ${endpoints.boardUrl}`] : []),
  'Press Ctrl-C to stop.',
]);
await forever();
