// node scripts/densityScreenshot.mjs [--experiments 10000] [--out docs/mlboard-density-10k.png]
// The picture of docs/mlboard-density-10k.png: a stored grid search of 10,000 experiments × 50 epochs whose
// learning curves differ (each configuration learns at its own pace, to its own level, with its own noise),
// served by the real endpoints and ml_board, its charts page in Debian's Chromium with one line hovered.
// Needs the built apps (npm run build).
/* global document, window */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startApp } from '../bench/startApp.mjs';

const { values: flags } = parseArgs({
  options: {
    experiments: { type: 'string', default: '10000' },
    out: { type: 'string', default: 'docs/mlboard-density-10k.png' },
  },
});
const repo = resolve(import.meta.dirname, '..');
const EXPERIMENTS = Number(flags.experiments);
const EPOCHS = 50;
const GS = 'density-10k';
const SPLITS = ['train', 'val'];

/** A reproducible draw in [0, 1) per experiment and purpose. */
const rand = (id, k) => {
  const x = Math.sin(id * 12.9898 + k * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

/** Experiment `id`'s curves: how fast it learns, how far, how noisily; validation a little below training. */
function curve(id, epoch, split) {
  const pace = 4 + 40 * rand(id, 1) ** 2;
  const level = 0.55 + 0.4 * rand(id, 2);
  const noise = 0.01 + 0.03 * rand(id, 3);
  const wobble = (rand(id * 131 + epoch, 4) - 0.5) * 2 * noise;
  const gap = split === 'val' ? 0.03 + 0.05 * rand(id, 5) * (epoch / EPOCHS) : 0;
  const accuracy = Math.min(0.999, 0.1 + (level - 0.1) * (1 - Math.exp(-epoch / pace)) + wobble - gap);
  const loss = Math.max(0.02, 2.3 * Math.exp(-epoch / pace) + (1 - level) + wobble + 2 * gap);
  return { accuracy, loss };
}

const line = (event_type, payload) => `${JSON.stringify({ event_type, creation_ts: 1, payload })}\n`;

async function generate(root) {
  mkdirSync(join(root, GS), { recursive: true });
  const out = createWriteStream(join(root, GS, 'event_storage.log'));
  for (let id = 0; id < EXPERIMENTS; id++) {
    const base = { grid_search_id: GS, experiment_id: id };
    const lr = [0.1, 0.03, 0.01, 0.003, 0.001][id % 5];
    let text = line('experiment_config', {
      ...base,
      job_id: id,
      config: { optimizer: { config: { params: { lr } } } },
    });
    for (let e = 0; e < EPOCHS; e++) {
      const scores = SPLITS.map((split) => ({ split, ...curve(id, e, split) }));
      text += line('evaluation_result', {
        ...base,
        epoch: e,
        metric_scores: scores.map(({ split, accuracy }) => ({ metric: 'accuracy', split, score: accuracy })),
        loss_scores: scores.map(({ split, loss }) => ({ loss: 'cross_entropy_loss', split, score: loss })),
      });
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const root = mkdtempSync(join(tmpdir(), 'mlboard-density-'));
const children = [];
try {
  await generate(root);
  const cors = ['--cors_allowed_origins', 'http://127.0.0.1:7799'];
  const ws = await startApp('ml_board_ws_endpoint', ['--event_storage_path', root, ...cors]);
  const rest = await startApp('ml_board_rest_endpoint', ['--event_storage_path', root, ...cors]);
  children.push(ws.child, rest.child);
  const board = spawn(
    process.execPath,
    [
      join(repo, 'apps/ml_board/dist/cli.js'),
      '--ml_board_port',
      '7799',
      '--ws_endpoint',
      ws.url,
      '--rest_endpoint',
      rest.url,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(board);
  let printed = '';
  const url = new URL(
    await new Promise((done) =>
      board.stdout.on('data', (c) => {
        printed += c;
        const m = /====> ACCESS MLBOARD VIA (\S+)/.exec(printed);
        if (m) done(m[1]);
      }),
    ),
  );
  url.pathname = '/';
  url.searchParams.set('run_id', GS);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
    await page.goto(url.toString());
    await page.waitForFunction(
      (n) => {
        const c = [...document.querySelectorAll('canvas[role="img"]')];
        return (
          window.__mlboard?.historyDoneAt != null && c.length === 4 && c.every((x) => x.dataset.lines === String(n))
        );
      },
      EXPERIMENTS,
      { timeout: 300_000, polling: 250 },
    );
    const canvas = page.locator('canvas[role="img"]').nth(1);
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.42, box.y + box.height * 0.3);
    await new Promise((r) => setTimeout(r, 1000));
    await page.screenshot({ path: resolve(repo, flags.out) });
    console.log(`wrote ${flags.out}`);
  } finally {
    await browser.close();
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
