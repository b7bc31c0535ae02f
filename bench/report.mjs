// npm run bench:report — the shareable report at scale: a stored grid search of 100 experiments × 200 epochs
// (12 series each, progress events, system metrics, tags and notes; the shapes bench:board generates) is exported
// by the real `ml_board export` process, and the file opened from file:// in Debian's Chromium through
// playwright-core. Goals (issue 30): the export takes < 5 s and writes < 8 MB; the report opens in < 2 s (its data
// folded and the table's rows, or the graphs page's charts on screen, drawn), with no network request.
// Flags: --experiments N (100), --epochs N (200), --rounds N (3: the medians are reported).
/* global window, document */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: flags } = parseArgs({
  options: {
    experiments: { type: 'string', default: '100' },
    epochs: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
const EXPERIMENTS = Number(flags.experiments);
const EPOCHS = Number(flags.epochs);
const ROUNDS = Number(flags.rounds);
const repo = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SPLITS = ['train', 'val', 'test'];
const METRICS = ['F1_SCORE_macro', 'accuracy', 'auroc'];
const GS = '2026-12-07--16-00-00';

const line = (event_type, payload) =>
  `${JSON.stringify({ event_type, creation_ts: 1_796_000_000_000_000, payload })}\n`;
const job = (id, status, start, end) => ({
  job_id: `${GS}-${id}`,
  job_type: 1,
  status,
  grid_search_id: GS,
  experiment_id: id,
  starting_time: start,
  finishing_time: end,
  error: null,
  stacktrace: null,
});

/** The log: per experiment its config, tags, job states, 10 progress events and one evaluation per epoch. */
async function generate(root) {
  mkdirSync(join(root, GS), { recursive: true });
  const out = createWriteStream(join(root, GS, 'event_storage.log'));
  let events = 0;
  for (let id = 0; id < EXPERIMENTS; id++) {
    const config = {
      optimizer: { lr: [0.1, 0.01, 0.001, 0.0001][id % 4] },
      data_loaders: { batch_size: [16, 32, 64][(id >> 2) % 3] },
    };
    let text = line('experiment_config', { grid_search_id: GS, experiment_id: id, job_id: id, config });
    text += line('annotation', {
      grid_search_id: GS,
      experiment_id: id,
      add_tags: [id % 4 ? 'baseline' : 'best'],
      time: 1,
    });
    text += line('job_status', job(id, 'RUNNING', 1_796_000_000 + id, -1));
    events += 3;
    for (let e = 0; e < EPOCHS; e++) {
      for (let b = 0; b < 10; b++) {
        text += line('experiment_status', {
          grid_search_id: GS,
          experiment_id: id,
          status: 'train',
          num_epochs: EPOCHS,
          current_epoch: e,
          splits: SPLITS,
          current_split: 'train',
          num_batches: 10,
          current_batch: b,
        });
      }
      text += line('evaluation_result', {
        grid_search_id: GS,
        experiment_id: id,
        epoch: e,
        metric_scores: SPLITS.flatMap((split) =>
          METRICS.map((metric, m) => ({
            metric,
            split,
            score: 0.5 + 0.4 * (1 - Math.exp(-e / 30)) - m * 0.01 + ((id * 7919 + e * 31) % 100) / 5000,
          })),
        ),
        loss_scores: SPLITS.map((split) => ({
          loss: 'cross_entropy_loss',
          split,
          score: 0.2 + Math.exp(-e / 40) + ((id * 104729 + e) % 100) / 2000,
        })),
      });
      events += 11;
      if (e % 10 === 0) {
        text += line('system_metrics', {
          grid_search_id: GS,
          experiment_id: id,
          time: 1_796_000_000 + id * 100 + e,
          cpu_percent: 95 + (e % 7),
          rss_bytes: 3e8 + e * 1e5,
          heap_used_bytes: 6e7,
          tensors: 40,
          tensor_bytes: 2e6,
          backend: 'wasm',
          threads: 2,
          load_1m: 1.9,
          free_memory_bytes: 8e9,
        });
        events++;
      }
    }
    text += line('job_status', job(id, 'DONE', 1_796_000_000 + id, 1_796_000_100 + id));
    events++;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.write(line('annotation', { grid_search_id: GS, experiment_id: null, note: '# Bench\nlr × batch', time: 2 }));
  out.end();
  await once(out, 'finish');
  return events + 1;
}

function exportReport(root, file) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [join(repo, 'apps/ml_board/dist/cli.js'), 'export', '--run_id', GS, '--event_storage_path', root, '--out', file],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) =>
      code === 0 ? done({ ms: performance.now() - started, output }) : fail(new Error(output)),
    );
  });
}

/** Opens the report from file:// and waits until it shows everything: the charts' or the table's. */
async function open(browser, file, route) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const started = Date.now();
  await page.goto(`file://${file}#${route}`);
  await page.waitForFunction(() => window.__mlboard?.historyDoneAt != null, null, { timeout: 60_000, polling: 20 });
  if (route === '/dashboard') {
    await page.waitForFunction(
      (rows) =>
        document.querySelector('[role=grid][aria-rowcount]')?.getAttribute('aria-rowcount') === String(rows + 1),
      EXPERIMENTS,
      { timeout: 60_000, polling: 20 },
    );
  } else {
    // every chart in view has drawn all its lines
    await page.waitForFunction(
      (lines) => {
        const canvases = [...document.querySelectorAll('canvas[data-lines]')].filter(
          (c) => c.getBoundingClientRect().top < window.innerHeight,
        );
        return canvases.length > 0 && canvases.every((c) => Number(c.dataset.lines) === lines);
      },
      EXPERIMENTS,
      { timeout: 60_000, polling: 20 },
    );
  }
  const ms = Date.now() - started;
  const foreign = requests.filter((u) => u !== `file://${file}` && !u.startsWith(`file://${file}#`));
  await page.close();
  return { ms, foreign };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const dir = mkdtempSync(join(tmpdir(), 'mlgym-bench-report-'));
try {
  const root = join(dir, 'store');
  const events = await generate(root);
  console.log(
    `bench:report — ${EXPERIMENTS} experiments × ${EPOCHS} epochs, ${events} events (${(statSync(join(root, GS, 'event_storage.log')).size / 2 ** 20).toFixed(1)} MB of log)`,
  );
  const file = join(dir, 'report.html');
  const exports = [];
  for (let r = 0; r < ROUNDS; r++) exports.push(await exportReport(root, file));
  const bytes = statSync(file).size;
  console.log(
    `  export: ${exports.map((e) => (e.ms / 1000).toFixed(2)).join(', ')} s (the ml_board process, start to exit); ${(bytes / 2 ** 20).toFixed(2)} MB\n  ${exports[0].output.trim()}`,
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
    ],
  });
  const opens = { '/': [], '/dashboard': [] };
  const foreign = new Set();
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const route of Object.keys(opens)) {
        const o = await open(browser, file, route);
        opens[route].push(o.ms);
        for (const u of o.foreign) foreign.add(u);
      }
    }
  } finally {
    await browser.close();
  }
  const exportS = median(exports.map((e) => e.ms)) / 1000;
  const graphsS = median(opens['/']) / 1000;
  const tableS = median(opens['/dashboard']) / 1000;
  console.log(
    `  open from file:// (median of ${ROUNDS}): graphs page ${graphsS.toFixed(2)} s (${opens['/'].map((m) => (m / 1000).toFixed(2)).join(', ')}), table ${tableS.toFixed(2)} s (${opens['/dashboard'].map((m) => (m / 1000).toFixed(2)).join(', ')}); requests beyond the file: ${foreign.size}`,
  );
  console.log(
    JSON.stringify({
      bench: 'report',
      experiments: EXPERIMENTS,
      epochs: EPOCHS,
      events,
      export_s: Number(exportS.toFixed(2)),
      report_mb: Number((bytes / 2 ** 20).toFixed(2)),
      open_graphs_s: Number(graphsS.toFixed(2)),
      open_table_s: Number(tableS.toFixed(2)),
      foreign_requests: foreign.size,
      goal_met: {
        export_under_5_s: exportS < 5,
        report_under_8_mb: bytes < 8 * 2 ** 20,
        opens_under_2_s: Math.max(graphsS, tableS) < 2,
        no_network: foreign.size === 0,
      },
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
