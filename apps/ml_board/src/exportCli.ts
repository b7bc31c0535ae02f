import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';

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

interface ExportOptions {
  run_id: string;
  out?: string;
  event_storage_path: string;
  rest_endpoint?: string;
  ws_endpoint?: string;
}

/** The report template the dashboard build writes beside the board (`dist/report.html`). */
export function reportTemplatePath(): string {
  const dashboard = dirname(realpathSync(fileURLToPath(import.meta.resolve('@mlgym/dashboard/package.json'))));
  return join(dashboard, 'dist', 'report.html');
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/**
 * `ml_board export --run_id <id> [--out report.html]`: one self-contained HTML report of a grid search (the table,
 * every chart, sweep, CV report, tags and notes, configs, run info), read from a storage folder or from the
 * endpoints; it opens from file:// with no network. Exit codes: 0, 2 bad input, 1 anything else.
 */
export async function exportCli(argv: readonly string[], io: { out: (s: string) => void; err: (s: string) => void }) {
  const program = new Command('ml_board export')
    .description('write one self-contained HTML report of a grid search (opens from file://, no network)')
    .requiredOption('--run_id <grid_search_id>', 'the grid search', runId)
    .option('--out <file>', 'where to write it (default: <run_id>.report.html)')
    .option('--event_storage_path <dir>', 'the storage folder to read', 'event_storage')
    .option('--rest_endpoint <url>', 'read through the endpoints instead (with --ws_endpoint)', httpUrl)
    .option('--ws_endpoint <url>', 'the websocket endpoint serving the events (with --rest_endpoint)', httpUrl)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => undefined });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed') return 0;
      io.err(`ml_board export: ${error.message.replace(/^error: /, '')}`);
      return 2;
    }
    throw error;
  }
  const opts = program.opts<ExportOptions>();
  if (Boolean(opts.rest_endpoint) !== Boolean(opts.ws_endpoint)) {
    io.err(
      'ml_board export: --rest_endpoint and --ws_endpoint go together (events come from one, files from the other)',
    );
    return 2;
  }
  const started = performance.now();
  const [{ exportReport }, { HttpGridSearchStore, LocalGridSearchStore }, { isMlgymError }] = await Promise.all([
    import('@mlgym/event-store'),
    import('@mlgym/storage'),
    import('@mlgym/protocol'),
  ]);
  let template: string;
  try {
    template = readFileSync(reportTemplatePath(), 'utf8');
  } catch {
    io.err('ml_board export: the dashboard build has no report.html; run `npm run build` first');
    return 2;
  }
  const token = process.env['ML_BOARD_AUTH_TOKEN'] || undefined;
  const fromEndpoints = opts.rest_endpoint !== undefined && opts.ws_endpoint !== undefined;
  try {
    const result = await exportReport({
      gridSearchId: opts.run_id,
      template,
      source: fromEndpoints
        ? { kind: 'endpoint', url: opts.ws_endpoint as string, token }
        : { kind: 'local', root: resolve(opts.event_storage_path) },
      store: fromEndpoints
        ? new HttpGridSearchStore({ baseUrl: opts.rest_endpoint as string, authToken: token })
        : new LocalGridSearchStore(resolve(opts.event_storage_path)),
    });
    const out = resolve(opts.out ?? `${opts.run_id}.report.html`);
    writeFileSync(out, result.html);
    const seconds = (performance.now() - started) / 1000;
    const { bundle } = result;
    io.out(
      `wrote ${out} (${mb(Buffer.byteLength(result.html))}): ${result.experiments} experiments, ` +
        `${bundle.events.length} of ${bundle.log_events} events (the last progress event of each experiment kept), ` +
        `${Object.keys(bundle.files).length} files, in ${seconds.toFixed(1)} s`,
    );
    return 0;
  } catch (error) {
    if (isMlgymError(error)) {
      io.err(`ml_board export: error[${error.code}]: ${error.message}`);
      return 2;
    }
    io.err(`ml_board export: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
