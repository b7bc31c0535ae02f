// npm run bench:board — MLboard at scale, in Debian's Chromium through playwright-core.
// Generates stored grid searches as real event logs, serves them with the real ml_board_ws_endpoint,
// ml_board_rest_endpoint and ml_board processes, and measures what a person waits for. Each figure is
// measured as shipped and with `?decimation=off` and `?batching=off` (the dashboard's debug switches).
//
// Cases: 1 (100 × 200 epochs), 2 (1,000 × 50), 3 (live), 4 (10,000 × 50: 2.54 million events, about 1.1 GB of log,
// with the endpoint's columnar snapshot and without it (`?snapshot=off`: the page folds the whole log, as before):
// the load, the longest main-thread task, the heap and the "Take me to experiment page" picker), 5 (case 2's size
// grouped into 100 groups of 10 seeds: grouped charts, the group switch, the expression filter), 6 (three grid
// searches of 300 × 100 on one page).
// Flags: --live-seconds N (default 60), --long (10-minute live run, heap sampled), --cases 1,2,3,4,5,6,
// --scale F (multiplies experiment counts, e.g. 0.1 while developing), --variants default,decimation,batching,
// --profile FILE (CPU profile of case 1's chart load, summary printed, full profile written to FILE),
// --screenshots DIR (the page of each case and variant once every chart is drawn, as PNG files in DIR),
// --trace FILE (Chromium traces of the live case's page, of case 2's filter toggle and of each case's
// chart and table loads, in FILE, FILE.filter, FILE.case1/.case2 and FILE.case1.table/.case2.table, the
// main thread's time per task kind printed).
/* global window, document, requestAnimationFrame, addEventListener, HTMLInputElement, getComputedStyle, IntersectionObserver, MouseEvent */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { io as connect } from 'socket.io-client';
import { chromium } from 'playwright-core';
import { startApp } from './startApp.mjs';

const { values: flags } = parseArgs({
  options: {
    'live-seconds': { type: 'string', default: '60' },
    long: { type: 'boolean', default: false },
    cases: { type: 'string', default: '1,2,3,4,5,6' },
    scale: { type: 'string', default: '1' },
    variants: { type: 'string', default: 'default,decimation,batching' },
    profile: { type: 'string' },
    screenshots: { type: 'string' },
    trace: { type: 'string' },
  },
});
const CASES = new Set(flags.cases.split(',').map(Number));
const SCALE = Number(flags.scale);
const LIVE_SECONDS = flags.long ? 600 : Number(flags['live-seconds']);
const VARIANTS = flags.variants.split(',');
const QUERY = { default: '', decimation: '&decimation=off', batching: '&batching=off', nosnapshot: '&snapshot=off' };
const repo = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SPLITS = ['train', 'val', 'test'];
const METRICS = ['F1_SCORE_macro', 'accuracy', 'auroc'];
const LOSS = 'cross_entropy_loss';
const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad'];
const SERIES = SPLITS.length * (METRICS.length + 1);

const pct = (list, p) => {
  if (!list.length) return NaN;
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');
const mb = (v) => (Number.isFinite(v) ? `${(v / 2 ** 20).toFixed(1)} MB` : 'n/a');

// ---------- stored grid searches ----------

const config = (id) => ({
  optimizer: { config: { name: OPTIMIZERS[id % 4], params: { lr: [0.1, 0.01, 0.001, 0.0001][(id >> 2) % 4] } } },
  data_loaders: { config: { batch_size: [16, 32, 64][(id >> 4) % 3] } },
  model: { config: { hidden: 64 } },
});
/**
 * The grouped case's configs: 100 combinations (4 optimizers × 5 learning rates × 5 batch sizes), each
 * trained with 10 seeds (experiment `id` is combination `id % 100`, seed `id / 100`).
 */
const seededConfig = (id) => {
  const c = id % 100;
  return {
    optimizer: { config: { name: OPTIMIZERS[c % 4], params: { lr: [0.1, 0.03, 0.01, 0.003, 0.001][(c >> 2) % 5] } } },
    data_loaders: { config: { batch_size: [16, 32, 64, 128, 256][Math.floor(c / 20) % 5] } },
    model: { config: { hidden: 64, seed: Math.floor(id / 100) } },
  };
};
const evaluation = (gs, id, epoch) => ({
  grid_search_id: gs,
  experiment_id: id,
  epoch,
  metric_scores: SPLITS.flatMap((split) =>
    METRICS.map((metric, m) => ({
      metric,
      split,
      score: 0.5 + 0.4 * (1 - Math.exp(-epoch / 30)) - m * 0.01 + ((id * 7919 + epoch * 31) % 100) / 5000,
    })),
  ),
  loss_scores: SPLITS.map((split) => ({
    loss: LOSS,
    split,
    score: 0.2 + Math.exp(-epoch / 40) + ((id * 104729 + epoch) % 100) / 2000,
  })),
});
const status = (gs, id, epoch, { epochs, batch }) => ({
  grid_search_id: gs,
  experiment_id: id,
  status: 'train',
  num_epochs: epochs,
  current_epoch: epoch,
  splits: SPLITS,
  current_split: 'train',
  num_batches: 10,
  current_batch: batch,
});
const job = (gs, id, state, [start, end]) => ({
  job_id: `${gs}-${id}`,
  job_type: 1,
  status: state,
  grid_search_id: gs,
  experiment_id: id,
  starting_time: start,
  finishing_time: end,
  error: null,
  stacktrace: null,
});
const line = (event_type, payload, ts) => `${JSON.stringify({ event_type, creation_ts: ts, payload })}\n`;

/** Writes `<root>/<gs>/event_storage.log`: per experiment its config, job states, progress and scores. */
async function generate(root, gs, { experiments, epochs, configOf = config }) {
  mkdirSync(join(root, gs), { recursive: true });
  const out = createWriteStream(join(root, gs, 'event_storage.log'));
  let events = 0;
  const ts = 1_796_000_000_000_000;
  for (let id = 0; id < experiments; id++) {
    let text = line(
      'experiment_config',
      { grid_search_id: gs, experiment_id: id, job_id: id, config: configOf(id) },
      ts,
    );
    text += line('job_status', job(gs, id, 'RUNNING', [1_796_000_000 + id, -1]), ts);
    for (let e = 0; e < epochs; e++) {
      text += line('experiment_status', status(gs, id, e, { epochs, batch: 9 }), ts);
      text += line('evaluation_result', evaluation(gs, id, e), ts);
    }
    text += line('job_status', job(gs, id, 'DONE', [1_796_000_000 + id, 1_796_000_100 + id]), ts);
    events += 3 + 2 * epochs;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { gs, experiments, epochs, events, points: experiments * epochs };
}

// ---------- processes ----------

const freePort = () =>
  new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });

async function startStack(storage) {
  const boardPort = await freePort();
  const cors = ['--cors_allowed_origins', `http://127.0.0.1:${boardPort}`];
  const [ws, rest] = await Promise.all([
    startApp('ml_board_ws_endpoint', ['--event_storage_path', storage, ...cors]),
    startApp('ml_board_rest_endpoint', ['--event_storage_path', storage, ...cors]),
  ]);
  const child = spawn(
    process.execPath,
    [
      join(repo, 'apps/ml_board/dist/cli.js'),
      '--ml_board_port',
      String(boardPort),
      '--ws_endpoint',
      ws.url,
      '--rest_endpoint',
      rest.url,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  const url = await new Promise((done, fail) => {
    child.stdout.on('data', (c) => {
      text += c;
      const m = /====> ACCESS MLBOARD VIA (\S+)/.exec(text);
      if (m) done(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`ml_board exited with ${code}`)));
  });
  return {
    ws,
    /** The page URL for a grid search, a route and a variant's debug switches. */
    url: (gs, route, variant) => {
      const u = new URL(url);
      u.pathname = route;
      u.searchParams.set('run_id', gs);
      return u.toString() + QUERY[variant];
    },
    async stop() {
      for (const c of [child, ws.child, rest.child]) {
        c.removeAllListeners('exit');
        c.kill('SIGTERM');
      }
    },
  };
}

// ---------- page measures ----------

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** ms from navigation until every chart has drawn all its lines and points. */
async function chartsDrawn(page, url, want, timeout) {
  await page.goto(url);
  await page.waitForFunction(
    ({ series, lines, points }) => {
      const canvases = [...document.querySelectorAll('canvas[role="img"]')];
      return (
        canvases.length === series &&
        canvases.every((c) => c.dataset.lines === String(lines) && c.dataset.points === String(points))
      );
    },
    { series: SERIES, lines: want.experiments, points: want.points },
    { polling: 'raf', timeout },
  );
  return page.evaluate(() => ({
    at: window.__mlboard.lastDrawAt,
    draws: window.__mlboard.draws,
    historyDoneAt: window.__mlboard.historyDoneAt,
    timeline: window.__mlboard.timeline && { ...window.__mlboard.timeline, connected: window.__mlboard.connectedAt },
    posts: window.__mlboard.posts,
  }));
}

/** ms from navigation until the table holds one row per experiment showing its last scores. */
async function tableFilled(page, url, want, timeout) {
  await page.goto(url);
  return page
    .waitForFunction(
      ({ rows }) => {
        const grid = document.querySelector('[role="grid"]');
        if (grid?.getAttribute('aria-rowcount') !== String(rows + 1) || window.__mlboard?.historyDoneAt == null)
          return false;
        // the history is applied, so the rows drawn show their last scores
        return grid.querySelector('[role="row"][row-id="0"] [role="gridcell"]') ? performance.now() : false;
      },
      { rows: want.experiments },
      { polling: 'raf', timeout },
    )
    .then((h) => h.jsonValue());
}

/** Scrolls the table to its end and back; ms until the last (then first) row is drawn. */
async function scrollTable(page, want) {
  return page.evaluate(async (last) => {
    // the grid's vertical scroller (the element with the most to scroll)
    const viewport = [...document.querySelectorAll('.ag-root-wrapper *')]
      .filter((e) => e.scrollHeight > e.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(e).overflowY))
      .sort((a, b) => b.scrollHeight - a.scrollHeight)[0];
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    // ag-grid keeps two scrollers in step and may move this one back once: the position is held until drawn
    const until = async (id, top) => {
      const t0 = performance.now();
      while (!document.querySelector(`[role="row"][row-id="${id}"]`)) {
        if (Math.abs(viewport.scrollTop - top()) > 1) viewport.scrollTop = top();
        if (performance.now() - t0 > 20_000) {
          const shown = [...document.querySelectorAll('[role="row"][row-id]')].map((r) => r.getAttribute('row-id'));
          throw new Error(
            `row ${id} not drawn within 20 s (scrollTop ${viewport.scrollTop} of ${viewport.scrollHeight}; rows shown: ${shown.slice(0, 5)}…${shown.slice(-5)})`,
          );
        }
        await frame();
      }
      return performance.now() - t0;
    };
    const bottom = () => viewport.scrollHeight - viewport.clientHeight;
    viewport.scrollTop = bottom();
    const down = await until(last, bottom);
    viewport.scrollTop = 0;
    const up = await until(0, () => 0);
    return Math.max(down, up);
  }, want.experiments - 1);
}

/** Types a quick filter matching one optimizer in four, then clears it; ms until the grid shows each. */
async function toggleFilter(page, want) {
  const matching = Array.from({ length: want.experiments }, (_, id) => OPTIMIZERS[id % 4] === 'rmsprop').filter(
    Boolean,
  ).length;
  return page.evaluate(
    async ({ all, matching }) => {
      const input = [...document.querySelectorAll('input')].find((i) =>
        i.closest('.MuiFormControl-root')?.textContent?.includes('Filter rows'),
      );
      const grid = document.querySelector('[role="grid"]');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const apply = async (text, rows) => {
        const t0 = performance.now();
        setValue.call(input, text);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (grid.getAttribute('aria-rowcount') !== String(rows + 1)) await frame();
        return performance.now() - t0;
      };
      return [await apply('rmsprop', matching), await apply('', all)];
    },
    { all: want.experiments, matching },
  );
}

async function heapUsed(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/**
 * What a live page keeps: the lowest of three heap readings 300 ms apart, each after a full
 * collection. One reading also holds whatever is in flight at that moment (the data post being
 * applied, a draw's temporaries), a few MB that come and go with the publishers' rhythm.
 */
async function retainedHeap(page) {
  const readings = [];
  for (let i = 0; i < 3; i++) {
    if (i) await new Promise((r) => setTimeout(r, 300));
    readings.push(await heapUsed(page));
  }
  return Math.min(...readings);
}

/** A CDP session on `t`'s page with the sampling CPU profiler started (`interval` in µs). */
async function startProfiler(t, interval) {
  const cdp = await t.context.newCDPSession(t.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval });
  await cdp.send('Profiler.start');
  return cdp;
}

async function loadCase({ browser, stack }, want, variant, opts = {}) {
  try {
    return await measureLoad({ browser, stack }, want, variant, opts);
  } catch (e) {
    // a variant that does not finish is a figure too (the switched-off design may be that slow)
    if (!(e instanceof Error && e.name === 'TimeoutError')) throw e;
    const na = {
      table: NaN,
      charts: NaN,
      ready: NaN,
      draws: NaN,
      historyDoneAt: NaN,
      scroll: NaN,
      filter: [NaN, NaN],
      heap: NaN,
    };
    return { ...na, errors: [`did not finish within ${LOAD_TIMEOUT / 1000} s`] };
  }
}

const LOAD_TIMEOUT = 150_000;

async function measureLoad({ browser, stack }, want, variant, opts) {
  const timeout = LOAD_TIMEOUT;
  const t = await newPage(browser);
  const tableTrace = flags.trace && variant === 'default' && (await startTrace(t));
  const tableCdp = opts.profile && (await startProfiler(t, 500));
  const table = await tableFilled(t.page, stack.url(want.gs, '/dashboard', variant), want, timeout);
  if (tableTrace) await tableTrace.stop(`${flags.trace}.${want.gs}.table`);
  if (tableCdp) {
    const file = `${opts.profile}.${want.gs}.table.cpuprofile`;
    writeFileSync(file, JSON.stringify((await tableCdp.send('Profiler.stop')).profile));
    console.log(`  CPU profile of the table's load in ${file}`);
  }
  const r = { table };
  if (opts.interact) {
    r.scroll = await scrollTable(t.page, want);
    const cdp = opts.profile && (await startProfiler(t, 200));
    const tracing = flags.trace && variant === 'default' && (await startTrace(t));
    r.filter = await toggleFilter(t.page, want);
    if (tracing) await tracing.stop(`${flags.trace}.filter`);
    if (cdp) r.filterProfile = (await cdp.send('Profiler.stop')).profile;
  }
  await t.context.close();
  const c = await newPage(browser);
  let cdp;
  let workers;
  if (opts.profile) {
    cdp = await startProfiler(c, 500);
    workers = profileWorkers(cdp);
    await workers.ready;
  }
  const tracing = flags.trace && variant === 'default' && (await startTrace(c));
  const drawn = await chartsDrawn(c.page, stack.url(want.gs, '/', variant), want, timeout);
  if (tracing) await tracing.stop(`${flags.trace}.${want.gs}`);
  r.charts = drawn.at;
  r.draws = drawn.draws;
  r.historyDoneAt = drawn.historyDoneAt;
  r.timeline = drawn.timeline;
  r.posts = drawn.posts;
  if (cdp) {
    r.profile = (await cdp.send('Profiler.stop')).profile;
    r.workerProfiles = await workers.stop();
  }
  if (opts.heap) r.heap = await heapUsed(c.page);
  if (flags.screenshots) {
    mkdirSync(flags.screenshots, { recursive: true });
    await c.page.screenshot({ path: join(flags.screenshots, `${want.gs}-${variant}.png`) });
  }
  r.errors = [...t.errors, ...c.errors];
  await c.context.close();
  r.ready = Math.max(r.table, r.charts);
  return r;
}

/**
 * CPU profiles of the page's dedicated workers (the socket worker folds the events there). Attached
 * through the page's CDP session in non-flat mode, since playwright's sessions cannot address child
 * sessions: commands travel as Target.sendMessageToTarget.
 */
function profileWorkers(cdp) {
  let seq = 1_000_000;
  const waiting = new Map();
  const sessions = [];
  const send = (sessionId, method, params = {}) =>
    new Promise((done) => {
      const id = seq++;
      waiting.set(id, done);
      cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
        .catch(() => done(null));
    });
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const m = JSON.parse(message);
    if (m.id !== undefined && waiting.has(m.id)) {
      waiting.get(m.id)(m.result ?? null);
      waiting.delete(m.id);
    }
  });
  cdp.on('Target.attachedToTarget', async ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'worker') return;
    sessions.push(sessionId);
    await send(sessionId, 'Profiler.enable');
    await send(sessionId, 'Profiler.setSamplingInterval', { interval: 500 });
    await send(sessionId, 'Profiler.start');
  });
  return {
    ready: cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false }),
    async stop() {
      const out = [];
      for (const s of sessions) {
        const r = await Promise.race([send(s, 'Profiler.stop'), new Promise((d) => setTimeout(() => d(null), 5000))]);
        if (r?.profile) out.push(r.profile);
      }
      return out;
    },
  };
}

/** Records a Chromium trace of the page; `stop` writes it and prints the main thread's time per task kind. */
async function startTrace(t) {
  const cdp = await t.context.newCDPSession(t.page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'] },
  });
  return {
    async stop(file) {
      const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.end');
      await within(done, 60_000, 'the trace');
      writeFileSync(file, JSON.stringify({ traceEvents: events }));
      const main = new Set(
        events
          .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
          .map((e) => `${e.pid}:${e.tid}`),
      );
      // self time per event name on the page's main thread (nested complete events subtracted)
      const byThread = new Map();
      for (const e of events) {
        if (e.ph !== 'X' || !main.has(`${e.pid}:${e.tid}`) || !e.dur) continue;
        const k = `${e.pid}:${e.tid}`;
        if (!byThread.has(k)) byThread.set(k, []);
        byThread.get(k).push(e);
      }
      const self = new Map();
      for (const list of byThread.values()) {
        list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
        const stack = [];
        for (const e of list) {
          while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
          if (stack.length) self.set(stack.at(-1).name, (self.get(stack.at(-1).name) ?? 0) - e.dur);
          self.set(e.name, (self.get(e.name) ?? 0) + e.dur);
          stack.push(e);
        }
      }
      console.log(`  main thread, self time per task kind — trace in ${file}:`);
      for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15))
        console.log(`    ${ms(us / 1000).padStart(8)}  ${name}`);
    },
  };
}

/** Self time per function (top 15) and per script. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  const byScript = new Map();
  for (const [name, t] of self) {
    const script = name.split(' ').pop().split(':')[0] || name;
    byScript.set(script, (byScript.get(script) ?? 0) + t);
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { functions: top(self, 15), scripts: top(byScript, 8) };
}

// ---------- scale (case 4) ----------

/** Asks for the grid search's snapshot until the endpoint has made it (a first request starts it), as a kept one. */
async function warmSnapshot(stack, gs, timeout) {
  const t0 = performance.now();
  for (;;) {
    const res = await fetch(`${stack.ws.url}/snapshot/${encodeURIComponent(gs)}`);
    const bytes = (await res.arrayBuffer()).byteLength;
    if (res.status === 200) return { ms: performance.now() - t0, bytes };
    if (performance.now() - t0 > timeout) throw new Error(`no snapshot of ${gs} within ${timeout / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Records the page's long main-thread tasks (over 50 ms) from its first script on. */
async function watchLongTasks(page) {
  await page.addInitScript(() => {
    window.__benchLong = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLong.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The longest task and the time blocked (the part of each long task beyond 50 ms) until `end`. */
async function longTasks(page, end) {
  const tasks = await page.evaluate((until) => window.__benchLong.filter(([t]) => t <= until), end);
  return {
    longest: tasks.reduce((m, [, d]) => Math.max(m, d), 0),
    blocked: tasks.reduce((n, [, d]) => n + Math.max(0, d - 50), 0),
  };
}

/** Opens the first chart's "Take me to experiment page" picker; ms until its list shows, and until a search finds the last id. */
async function openPicker(page, want) {
  const last = String(want.experiments - 1);
  return page.evaluate(async (lastId) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const picker = () =>
      [...document.querySelectorAll('input[role="combobox"]')].find((i) =>
        i.labels?.[0]?.textContent?.includes('Experiment Id'),
      );
    // the pickers come once the page has drawn (when it is idle)
    for (const t = performance.now(); !picker() && performance.now() - t < 30_000;) await frame();
    const input = picker();
    if (!input) throw new Error('no experiment picker on the page');
    const t0 = performance.now();
    input.focus();
    input.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    while (!document.querySelector('[role="listbox"] [role="option"]')) await frame();
    const open = performance.now() - t0;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const t1 = performance.now();
    setValue.call(input, lastId);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const found = () =>
      [...document.querySelectorAll('[role="listbox"] [role="option"]')].some((o) => o.textContent?.trim() === lastId);
    while (!found()) await frame();
    return { open, search: performance.now() - t1 };
  }, last);
}

/** One load of case 4: charts drawn and every event applied, the longest task, the heap, the picker; then the table. */
async function scaleLoad({ browser, stack }, want, variant) {
  const timeout = 300_000;
  const c = await newPage(browser);
  await watchLongTasks(c.page);
  const r = {};
  try {
    const drawn = await chartsDrawn(c.page, stack.url(want.gs, '/', variant), want, timeout);
    await c.page.waitForFunction(() => window.__mlboard?.historyDoneAt != null, null, { timeout });
    const at = await c.page.evaluate(() => ({
      done: window.__mlboard.historyDoneAt,
      draw: window.__mlboard.lastDrawAt,
    }));
    r.charts = drawn.at;
    r.applied = at.done;
    r.load = Math.max(at.done, at.draw);
    r.timeline = drawn.timeline;
    r.posts = drawn.posts;
    Object.assign(r, await longTasks(c.page, r.load));
    r.heap = await heapUsed(c.page);
    r.picker = await openPicker(c.page, want).catch((e) => ({ open: NaN, search: NaN, error: e.message }));
    if (flags.screenshots) {
      mkdirSync(flags.screenshots, { recursive: true });
      await c.page.keyboard.press('Escape');
      await c.page.screenshot({ path: join(flags.screenshots, `${want.gs}-${variant}.png`) });
    }
  } catch (e) {
    if (!(e instanceof Error && e.name === 'TimeoutError')) throw e;
    Object.assign(r, { charts: NaN, applied: NaN, load: NaN, longest: NaN, blocked: NaN, heap: NaN });
    r.picker = { open: NaN, search: NaN };
    c.errors.push(`did not finish within ${timeout / 1000} s`);
  }
  r.errors = [...c.errors];
  await c.context.close();
  const t = await newPage(browser);
  r.table = await tableFilled(t.page, stack.url(want.gs, '/dashboard', variant), want, timeout).catch(() => NaN);
  r.errors.push(...t.errors);
  await t.context.close();
  return r;
}

// ---------- analysis: groups, expression filter, several grid searches ----------

/**
 * ms from navigation until every chart has drawn `lines` group lines of `points` mean points in all,
 * from the whole history (its first post already holds one experiment of every group).
 */
async function groupedDrawn(page, url, { lines, points }, timeout) {
  await page.goto(url);
  await page.waitForFunction(
    ({ series, lines, points }) => {
      const hooks = window.__mlboard;
      if (hooks?.historyDoneAt == null || !hooks.posts.length) return false;
      const lastPost = hooks.posts.at(-1)[0];
      const canvases = [...document.querySelectorAll('canvas[role="img"]')];
      return (
        canvases.length === series &&
        canvases.every(
          (c) =>
            c.dataset.lines === String(lines) &&
            c.dataset.points === String(points) &&
            Number(c.dataset.drawnAt) >= lastPost,
        )
      );
    },
    { series: SERIES, lines, points },
    { polling: 'raf', timeout },
  );
  return page.evaluate(() => ({
    at: Math.max(...[...document.querySelectorAll('canvas[role="img"]')].map((c) => Number(c.dataset.drawnAt))),
    historyDoneAt: window.__mlboard.historyDoneAt,
  }));
}

/**
 * Flips the "Group" switch twice (ungroup, group again) as a person clicks it; ms until the charts on
 * screen show one line per experiment, then one per group.
 */
async function toggleChartGroups(page, { experiments, groups }) {
  return page.evaluate(
    async ({ experiments, groups }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const onScreen = () =>
        [...document.querySelectorAll('canvas[role="img"]')].filter((c) => {
          const r = c.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        });
      const flip = async (lines) => {
        const toggle = document.querySelector('[data-testid="group-toggle"] input');
        const t0 = performance.now();
        toggle.click();
        while (!onScreen().every((c) => c.dataset.lines === String(lines))) await frame();
        return performance.now() - t0;
      };
      return [await flip(experiments), await flip(groups)];
    },
    { experiments, groups },
  );
}

/** The same on the table: ms until it lists one row per experiment, then one per group. */
async function toggleTableGroups(page, { experiments, groups }) {
  return page.evaluate(
    async ({ experiments, groups }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const grid = document.querySelector('[role="grid"]');
      const flip = async (rows) => {
        const toggle = document.querySelector('[data-testid="group-toggle"] input');
        const t0 = performance.now();
        toggle.click();
        while (grid.getAttribute('aria-rowcount') !== String(rows + 1)) await frame();
        return performance.now() - t0;
      };
      return [await flip(experiments), await flip(groups)];
    },
    { experiments, groups },
  );
}

/** The expression the bench types, and how many of `want`'s experiments it lets through. */
function benchExpression(want, configOf) {
  const text = "optimizer.name == 'rmsprop' and lr <= 0.01 and val/F1_SCORE_macro > 0.83";
  let matching = 0;
  for (let id = 0; id < want.experiments; id++) {
    const c = configOf(id);
    const final = evaluation('', id, want.epochs - 1).metric_scores.find(
      (m) => m.split === 'val' && m.metric === 'F1_SCORE_macro',
    ).score;
    if (c.optimizer.config.name === 'rmsprop' && c.optimizer.config.params.lr <= 0.01 && final > 0.83) matching++;
  }
  return { text, matching };
}

/**
 * Types an expression into the filter box at once (as a paste), then clears it; ms until the table
 * shows the matching rows, then all of them. `lines`: also until the charts on screen draw as many lines.
 */
async function applyExpression(page, { text, matching, all }) {
  return page.evaluate(
    async ({ text, matching, all }) => {
      const input = document.querySelector('[data-testid="expression-filter"] input');
      const grid = document.querySelector('[role="grid"]');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const apply = async (value, rows) => {
        const t0 = performance.now();
        setValue.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (grid.getAttribute('aria-rowcount') !== String(rows + 1)) await frame();
        return performance.now() - t0;
      };
      return [await apply(text, matching), await apply('', all)];
    },
    { text, matching, all },
  );
}

/** The same on the graphs page: ms until the charts on screen draw the matching lines, then all. */
async function applyExpressionToCharts(page, { text, matching, all }) {
  return page.evaluate(
    async ({ text, matching, all }) => {
      const input = document.querySelector('[data-testid="expression-filter"] input');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const onScreen = () =>
        [...document.querySelectorAll('canvas[role="img"]')].filter((c) => {
          const r = c.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        });
      const apply = async (value, lines) => {
        const t0 = performance.now();
        setValue.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (!onScreen().every((c) => c.dataset.lines === String(lines))) await frame();
        return performance.now() - t0;
      };
      return [await apply(text, matching), await apply('', all)];
    },
    { text, matching, all },
  );
}

// ---------- live ----------

/**
 * `promise`, or a TimeoutError after `ms`: a page that cannot keep up (e.g. with batching off) may
 * answer nothing for minutes, and the bench must end with its figures anyway.
 */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => {
      const e = new Error(`${what}: no answer within ${ms / 1000} s`);
      e.name = 'TimeoutError';
      fail(e);
    }, ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The live case, or its figures as n/a with the reason when the page stopped answering. */
async function liveCase(ctx, variant, seconds) {
  try {
    return await live(ctx, variant, seconds);
  } catch (e) {
    if (!(e instanceof Error && e.name === 'TimeoutError')) throw e;
    return {
      seconds,
      logged: NaN,
      pageEvents: NaN,
      dropped: NaN,
      chartsComplete: false,
      expectedPoints: NaN,
      chartPoints: [],
      frameP95: NaN,
      idleFrameP95: NaN,
      frames: 0,
      latencyP95: NaN,
      latencyP50: NaN,
      latencyCount: 0,
      unseen: NaN,
      heap: [],
      work: 'n/a',
      errors: [e.message],
    };
  }
}

/** 20 publishers, each `rate` events/s: 4 progress events then one evaluation (12 scores) per epoch. */
async function live({ browser, stack, storage }, variant, seconds) {
  const gs = `live-${variant}-${Date.now()}`;
  const experiments = 20;
  const rate = 50;
  const cycle = flags.long ? 600 : Infinity; // --long: epochs re-sent in a loop, so the data stays one size
  const t = await newPage(browser);
  const pubs = [];
  try {
    return await liveRun({ t, pubs, stack, storage, gs, experiments, rate, cycle }, variant, seconds);
  } finally {
    for (const p of pubs) p.close();
    await within(t.context.close(), 20_000, 'closing the page').catch(() => {});
  }
}

async function liveRun({ t, pubs, stack, storage, gs, experiments, rate, cycle }, variant, seconds) {
  await t.page.addInitScript(() => {
    const seen = new Map(); // `${key} ${id}` -> points seen
    window.__bench = { frames: [], visible: [], draws: 0 };
    let last = 0;
    const loop = (now) => {
      if (last) window.__bench.frames.push(now - last);
      last = now;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    // Which charts are on screen, as an IntersectionObserver reports it: asking each canvas for its
    // bounding rectangle at every draw forced a layout per draw (a second of the page's time per 20 s).
    const onScreen = new Set();
    const observed = new WeakSet();
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) onScreen.add(entry.target);
        else onScreen.delete(entry.target);
      }
    });
    addEventListener('mlboard:drawn', (e) => {
      const at = Date.now();
      if (window.__bench.stopped) return;
      // a value is visible when its chart is on screen: off-screen charts catch up when scrolled to
      const canvas = document.querySelector(`canvas[aria-label^="${e.detail.key}:"]`);
      if (canvas && !observed.has(canvas)) {
        observed.add(canvas);
        observer.observe(canvas);
      }
      if (!onScreen.has(canvas)) return;
      for (const [id, n] of e.detail.counts) {
        const k = `${e.detail.key} ${id}`;
        const before = seen.get(k) ?? 0;
        for (let i = before; i < n; i++) window.__bench.visible.push([e.detail.key, id, i, at]);
        if (n > before) seen.set(k, n);
      }
    });
  });
  // publishers first, so the page opens on a known grid search
  pubs.push(
    ...(await Promise.all(
      Array.from({ length: experiments }, async () => {
        const s = connect(stack.ws.url, { transports: ['websocket'], forceNew: true });
        await once(s, 'connect');
        return s;
      }),
    )),
  );
  const emitted = new Map(); // `${id} ${epoch}` -> emit time (first time only)
  const seqs = new Array(experiments).fill(0);
  /** One acknowledged batch of one publisher; sequence numbers are claimed before sending. */
  const send = (id, events) => {
    const first_seq = seqs[id];
    seqs[id] += events.length;
    return new Promise((r) =>
      pubs[id].emit('mlgym_events', { publisher_id: `${gs}-${id}`, first_seq, events }, r),
    ).then((ack) => {
      if (!ack.ok) throw new Error(`publish refused: ${ack.message}`);
    });
  };
  await Promise.all(
    pubs.map((_, id) =>
      send(id, [
        {
          event_type: 'experiment_config',
          creation_ts: 0,
          payload: { grid_search_id: gs, experiment_id: id, job_id: id, config: config(id) },
        },
      ]),
    ),
  );
  await t.page.goto(stack.url(gs, '/', variant));
  await t.page.waitForFunction(() => window.__mlboard?.historyDoneAt != null, null, { timeout: 60_000 });
  // the floor: frames of the same page with nothing arriving (on a loaded machine this is far above 16 ms)
  await within(
    t.page.evaluate(() => (window.__bench.frames.length = 0)),
    20_000,
    'the page after its history',
  );
  await new Promise((r) => setTimeout(r, 3000));
  const idleFrames = await within(
    t.page.evaluate(() => window.__bench.frames.splice(0)),
    20_000,
    'the page after its history',
  );
  const cdp = flags.profile && variant === 'default' && (await startProfiler(t, 1000));
  const tracing = flags.trace && variant === 'default' && (await startTrace(t));
  const heap = [];
  const t0 = Date.now();
  const step = new Array(experiments).fill(0);
  const pending = [];
  let nextHeap = t0 + 30_000;
  while (Date.now() - t0 < seconds * 1000) {
    const due = Math.floor(((Date.now() - t0) / 1000) * rate);
    for (let id = 0; id < experiments; id++) {
      const events = [];
      const now = Date.now();
      for (; step[id] < due; step[id]++) {
        const epoch = Math.floor(step[id] / 5) % cycle;
        if (step[id] % 5 === 4) {
          events.push({ event_type: 'evaluation_result', creation_ts: now * 1000, payload: evaluation(gs, id, epoch) });
          if (!emitted.has(`${id} ${epoch}`)) emitted.set(`${id} ${epoch}`, now);
        } else
          events.push({
            event_type: 'experiment_status',
            creation_ts: now * 1000,
            payload: status(gs, id, epoch, { epochs: Number.isFinite(cycle) ? cycle : 1_000_000, batch: step[id] % 5 }),
          });
      }
      if (events.length) pending.push(send(id, events));
    }
    if (flags.long && Date.now() >= nextHeap) {
      heap.push(await within(retainedHeap(t.page), 20_000, 'heap sample'));
      nextHeap += 30_000;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await within(Promise.all(pending), 30_000, 'the publishers’ acknowledgements');
  const profile = cdp && (await within(cdp.send('Profiler.stop'), 30_000, 'the profiler')).profile;
  if (tracing) await tracing.stop(flags.trace);
  const logged = readFileSync(join(storage, gs, 'event_storage.log'), 'utf8')
    .split('\n')
    .filter(Boolean).length;
  // wait for the page to catch up (bounded), then compare counts
  await t.page
    .waitForFunction((n) => window.__mlboard.events >= n, logged, { timeout: 30_000, polling: 200 })
    .catch(() => {});
  await new Promise((r) => setTimeout(r, 500));
  // Charts off screen draw when scrolled to (as a person would see them): bring each into view and
  // give it a bounded time to catch up before its counts are read.
  const shown = await within(
    t.page.evaluate(() => {
      window.__bench.stopped = true;
      return window.__bench.visible;
    }),
    20_000,
    'the page after the run',
  );
  const canvases = await t.page.$$('canvas[role="img"]');
  for (const c of canvases) {
    await c.scrollIntoViewIfNeeded({ timeout: 10_000 }).catch(() => {});
    await within(
      c.evaluate(
        (el, n) =>
          new Promise((done) => {
            const t0 = performance.now();
            const check = () =>
              el.dataset.points === String(n) || performance.now() - t0 > 10_000
                ? done()
                : requestAnimationFrame(check);
            check();
          }),
        step.reduce((a, s) => a + Math.min(Math.floor(s / 5), cycle), 0),
      ),
      15_000,
      'a chart scrolled into view',
    ).catch(() => {});
  }
  const page = await within(
    t.page.evaluate(() => ({
      events: window.__mlboard.events,
      queuedDraws: window.__mlboard.queuedDraws,
      linesOnly: window.__mlboard.linesOnly,
      drawMs: window.__mlboard.drawMs,
      applyMs: window.__mlboard.posts.reduce((a, p) => a + p[1], 0),
      posts: window.__mlboard.posts.length,
      frames: window.__bench.frames,
      charts: [...document.querySelectorAll('canvas[role="img"]')].map((c) => [c.dataset.lines, c.dataset.points]),
    })),
    20_000,
    'the page’s counts',
  );
  const visibleAt = new Map();
  for (const [, id, i, at] of shown) {
    const k = `${id} ${i}`;
    visibleAt.set(k, Math.max(visibleAt.get(k) ?? 0, at)); // the slowest of the charts
  }
  const latency = [];
  for (const [k, at] of emitted) if (visibleAt.has(k)) latency.push(visibleAt.get(k) - at);
  // every experiment's line: one point per evaluation sent (step s is an evaluation when s % 5 === 4)
  const perLine = step.map((s) => Math.min(Math.floor(s / 5), cycle));
  const expectedPoints = perLine.reduce((a, b) => a + b, 0);
  return {
    seconds,
    logged,
    pageEvents: page.events,
    work: `${page.queuedDraws} chart updates (${page.linesOnly} over the last axes) in ${Math.round(page.drawMs)} ms, last ${page.posts} data posts applied in ${Math.round(page.applyMs)} ms`,
    dropped: logged - page.events,
    chartsComplete:
      page.charts.length === SERIES &&
      page.charts.every(([l, p]) => l === String(experiments) && p === String(expectedPoints)),
    expectedPoints,
    chartPoints: page.charts.map((c) => c[1]),
    frameP95: pct(page.frames, 95),
    idleFrameP95: pct(idleFrames, 95),
    frames: page.frames.length,
    latencyP95: pct(latency, 95),
    latencyP50: pct(latency, 50),
    latencyCount: latency.length,
    unseen: emitted.size - latency.length,
    heap,
    profile,
    errors: t.errors,
  };
}

function printProfile(r, file) {
  writeFileSync(file, JSON.stringify(r.profile));
  console.log(`  CPU profile of the chart load (self time, top 15) — full profile in ${file}:`);
  const { functions, scripts } = summarise(r.profile);
  for (const [name, t] of scripts) console.log(`    ${ms(t).padStart(8)}  ${name}`);
  console.log('  top functions:');
  for (const [name, t] of functions) console.log(`    ${ms(t).padStart(8)}  ${name}`);
  for (const [i, wp] of (r.workerProfiles ?? []).entries()) {
    writeFileSync(`${file}.worker${i}.cpuprofile`, JSON.stringify(wp));
    const w = summarise(wp);
    console.log(`  socket worker ${i} (self time) — full profile in ${file}.worker${i}.cpuprofile:`);
    for (const [name, t] of w.scripts) console.log(`    ${ms(t).padStart(8)}  ${name}`);
    console.log('  top functions:');
    for (const [name, t] of w.functions) console.log(`    ${ms(t).padStart(8)}  ${name}`);
  }
}

function printTimeline(r) {
  // a grid search loaded from its snapshot has no history chunks
  if (r.timeline?.snapshot)
    console.log(
      `             timeline: socket connected at ${ms(r.timeline.connected)}, snapshot read at ${ms(r.timeline.snapshot.at)} (fetched and read in ${ms(r.timeline.snapshot.ms)}), ${r.posts.length} data posts applied in ${ms(r.posts.reduce((a, p) => a + p[1], 0))}`,
    );
  else if (r.timeline)
    console.log(
      `             timeline: socket connected at ${ms(r.timeline.connected)}, first history chunk at ${ms(r.timeline.firstChunk)}, history received ${ms(r.timeline.historyReceived)} (worker folding ${ms(r.timeline.workerFoldMs)}), ${r.posts.length} data posts applied in ${ms(r.posts.reduce((a, p) => a + p[1], 0))} (${r.posts.map((p) => `${ms(p[0])}+${ms(p[1])}`).join(', ')})`,
    );
}

// ---------- main ----------

const root = mkdtempSync(join(tmpdir(), 'mlboard-bench-'));
const stack = await startStack(root);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Chromium 156 gives each new window a WebUI omnibox popup whose renderer burns ~1.2 s of CPU
    // in the first second after the bench opens a page: on 2 cores that is half the machine during
    // the very load being timed, a cost of opening a window that a tab in an open window never pays.
    '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
    '--js-flags=--expose-gc',
  ],
});
const figures = {};
const goals = {};
try {
  const [load1, load5] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  console.log(`load average at start: ${load1} ${load5} (absolute timings are pessimistic on a loaded machine)`);
  if (CASES.has(1)) {
    const want = await generate(root, 'case1', { experiments: Math.max(1, Math.round(100 * SCALE)), epochs: 200 });
    console.log(
      `\ncase 1: ${want.experiments} experiments × ${want.epochs} epochs × ${SERIES} series = ${want.points * SERIES} points, ${want.events} events`,
    );
    for (const v of VARIANTS) {
      const r = await loadCase({ browser, stack }, want, v, { profile: v === 'default' && flags.profile });
      console.log(
        `  ${v.padEnd(10)} table filled ${ms(r.table)}, every chart drawn ${ms(r.charts)} (history applied at ${ms(r.historyDoneAt)}, ${r.draws} chart draws)${r.errors.length ? `, page errors: ${r.errors.join('; ')}` : ''}`,
      );
      printTimeline(r);
      figures[`case1_${v}_ready_ms`] = Math.round(r.ready);
      if (v === 'default') {
        figures.case1_table_ms = Math.round(r.table);
        figures.case1_charts_ms = Math.round(r.charts);
        goals.case1_ready_under_2s = r.ready < 2000 && r.errors.length === 0;
      }
      if (r.profile) printProfile(r, flags.profile);
    }
  }
  if (CASES.has(2)) {
    const want = await generate(root, 'case2', { experiments: Math.max(4, Math.round(1000 * SCALE)), epochs: 50 });
    console.log(
      `\ncase 2: ${want.experiments} experiments × ${want.epochs} epochs × ${SERIES} series = ${want.points * SERIES} points, ${want.events} events`,
    );
    for (const v of VARIANTS) {
      const r = await loadCase({ browser, stack }, want, v, {
        interact: true,
        heap: true,
        profile: v === 'default' && flags.profile,
      });
      const filter = Math.max(...r.filter);
      console.log(
        `  ${v.padEnd(10)} table filled ${ms(r.table)}, every chart drawn ${ms(r.charts)} (history applied at ${ms(r.historyDoneAt)}, ${r.draws} chart draws), scroll to end and back ${ms(r.scroll)}, filter applied ${ms(r.filter[0])} / cleared ${ms(r.filter[1])}, JS heap ${mb(r.heap)}${r.errors.length ? `, page errors: ${r.errors.join('; ')}` : ''}`,
      );
      printTimeline(r);
      if (r.profile) printProfile(r, `${flags.profile}.case2`);
      if (r.filterProfile) {
        writeFileSync(`${flags.profile}.filter.cpuprofile`, JSON.stringify(r.filterProfile));
        console.log(`  CPU profile of the filter toggle — full profile in ${flags.profile}.filter.cpuprofile:`);
        const { functions, scripts } = summarise(r.filterProfile);
        for (const [name, t] of [...scripts, ...functions]) console.log(`    ${ms(t).padStart(8)}  ${name}`);
      }
      figures[`case2_${v}_ready_ms`] = Math.round(r.ready);
      figures[`case2_${v}_filter_ms`] = Math.round(filter);
      figures[`case2_${v}_heap_mb`] = Math.round(r.heap / 2 ** 20);
      if (v === 'default') {
        figures.case2_scroll_ms = Math.round(r.scroll);
        goals.case2_interactive_under_3s = r.ready < 3000 && r.errors.length === 0;
        goals.case2_filter_under_200ms = filter < 200;
        goals.case4_heap_after_case2_under_300mb = r.heap < 300 * 2 ** 20;
      }
    }
  }
  if (CASES.has(4)) {
    const want = await generate(root, 'case4', { experiments: Math.max(4, Math.round(10_000 * SCALE)), epochs: 50 });
    console.log(
      `\ncase 4: ${want.experiments} experiments × ${want.epochs} epochs × ${SERIES} series = ${want.points * SERIES} points, ${want.events} events`,
    );
    const warm = await warmSnapshot(stack, want.gs, 900_000);
    console.log(
      `  the endpoint made its snapshot in ${ms(warm.ms)} (${mb(warm.bytes)}), as it keeps one while events arrive`,
    );
    figures.scale_10k_snapshot_mb = Math.round(warm.bytes / 2 ** 20);
    for (const v of ['default', 'nosnapshot']) {
      const r = await scaleLoad({ browser, stack }, want, v);
      const label = v === 'default' ? 'snapshot' : 'no snapshot';
      console.log(
        `  ${label.padEnd(11)} every chart drawn ${ms(r.charts)}, every event applied ${ms(r.applied)}, table filled ${ms(r.table)}; longest task ${ms(r.longest)} (blocked ${ms(r.blocked)} in all); JS heap ${mb(r.heap)}; picker opens in ${ms(r.picker.open)}, finds the last id in ${ms(r.picker.search)}${r.errors.length ? `; page errors: ${r.errors.join('; ')}` : ''}`,
      );
      if (r.timeline?.snapshot)
        console.log(
          `              snapshot read at ${ms(r.timeline.snapshot.at)} (fetched and read in ${ms(r.timeline.snapshot.ms)}), ${r.posts.length} data posts applied in ${ms(r.posts.reduce((a, p) => a + p[1], 0))}`,
        );
      else printTimeline(r);
      const key = v === 'default' ? 'scale_10k' : 'scale_10k_nosnapshot';
      figures[`${key}_load_ms`] = Math.round(r.load);
      figures[`${key}_charts_ms`] = Math.round(r.charts);
      figures[`${key}_applied_ms`] = Math.round(r.applied);
      figures[`${key}_table_ms`] = Math.round(r.table);
      figures[`${key}_longest_task_ms`] = Math.round(r.longest);
      figures[`${key}_blocked_ms`] = Math.round(r.blocked);
      figures[`${key}_heap_mb`] = Math.round(r.heap / 2 ** 20);
      figures[`${key}_picker_ms`] = Math.round(r.picker.open);
      figures[`${key}_picker_search_ms`] = Math.round(r.picker.search);
      if (v === 'default') {
        goals.scale_10k_load_under_5s = r.load < 5000 && r.errors.length === 0;
        goals.scale_10k_longest_task_under_200ms = r.longest < 200;
        goals.scale_10k_heap_under_300mb = r.heap < 300 * 2 ** 20;
        goals.scale_10k_picker_under_100ms = r.picker.open < 100 && r.picker.search < 100;
      }
    }
  }
  if (CASES.has(5)) {
    const want = await generate(root, 'case2grouped', {
      experiments: Math.max(100, Math.round(1000 * SCALE)),
      epochs: 50,
      configOf: seededConfig,
    });
    const groups = Math.min(100, want.experiments);
    console.log(
      `\ncase 5: case 2 grouped: ${want.experiments} experiments × ${want.epochs} epochs in ${groups} groups (seeds of one combination), expression filter`,
    );
    const url = (route) => `${stack.url(want.gs, route, 'default')}&group=combination`;
    const errors = [];
    // the charts, grouped from the start: drawn after the history, then the group switch
    const c = await newPage(browser);
    const drawn = await groupedDrawn(c.page, url('/'), { lines: groups, points: groups * want.epochs }, LOAD_TIMEOUT);
    const afterHistory = Math.max(0, drawn.at - drawn.historyDoneAt);
    const chartToggle = await toggleChartGroups(c.page, { experiments: want.experiments, groups });
    const expression = benchExpression(want, seededConfig);
    errors.push(...c.errors);
    await c.context.close();
    // the table, grouped: the switch, then the expression (ungrouped, one row per experiment)
    const t = await newPage(browser);
    await t.page.goto(url('/dashboard'));
    await t.page.waitForFunction(
      (n) =>
        window.__mlboard?.historyDoneAt != null &&
        document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') === String(n + 1),
      groups,
      { polling: 'raf', timeout: LOAD_TIMEOUT },
    );
    const tableToggle = await toggleTableGroups(t.page, { experiments: want.experiments, groups });
    // back to one row per experiment for the filter (the switch's first flip ungroups)
    await t.page.evaluate(() => document.querySelector('[data-testid="group-toggle"] input').click());
    await t.page.waitForFunction(
      (n) => document.querySelector('[role="grid"]').getAttribute('aria-rowcount') === String(n + 1),
      want.experiments,
    );
    const filter = await applyExpression(t.page, { ...expression, all: want.experiments });
    errors.push(...t.errors);
    await t.context.close();
    // the expression on the charts, one line per experiment
    const e = await newPage(browser);
    await chartsDrawn(e.page, stack.url(want.gs, '/', 'default') + '&group=none', want, LOAD_TIMEOUT);
    const chartFilter = await applyExpressionToCharts(e.page, { ...expression, all: want.experiments });
    errors.push(...e.errors);
    await e.context.close();
    console.log(
      `  grouped charts drawn ${ms(afterHistory)} after the history (${ms(drawn.at)} from navigation); group switch: charts on screen ungrouped ${ms(chartToggle[0])} / grouped ${ms(chartToggle[1])}, table ${ms(tableToggle[0])} / ${ms(tableToggle[1])}`,
    );
    console.log(
      `  expression "${expression.text}" (${expression.matching} of ${want.experiments}): table ${ms(filter[0])} / cleared ${ms(filter[1])}, charts on screen ${ms(chartFilter[0])} / cleared ${ms(chartFilter[1])}${errors.length ? `, page errors: ${errors.join('; ')}` : ''}`,
    );
    figures.grouped_drawn_after_history_ms = Math.round(afterHistory);
    figures.grouped_chart_toggle_ms = Math.round(Math.max(...chartToggle));
    figures.grouped_table_toggle_ms = Math.round(Math.max(...tableToggle));
    figures.expression_filter_table_ms = Math.round(Math.max(...filter));
    figures.expression_filter_charts_ms = Math.round(Math.max(...chartFilter));
    goals.grouped_drawn_under_1s_after_history = afterHistory < 1000 && errors.length === 0;
    goals.grouped_toggle_under_200ms = Math.max(...chartToggle, ...tableToggle) < 200;
    goals.expression_filter_under_200ms = Math.max(...filter, ...chartFilter) < 200;
  }
  if (CASES.has(6)) {
    const names = ['several-a', 'several-b', 'several-c'];
    const parts = [];
    for (const gs of names)
      parts.push(await generate(root, gs, { experiments: Math.max(4, Math.round(300 * SCALE)), epochs: 100 }));
    const want = {
      gs: names[0],
      experiments: parts.reduce((a, p) => a + p.experiments, 0),
      points: parts.reduce((a, p) => a + p.points, 0),
    };
    console.log(
      `\ncase 6: three grid searches at once: ${names.length} × ${parts[0].experiments} experiments × ${parts[0].epochs} epochs × ${SERIES} series = ${want.points * SERIES} points`,
    );
    const extra = names
      .slice(1)
      .map((n) => `&run_id=${n}`)
      .join('');
    const t = await newPage(browser);
    const table = await tableFilled(t.page, stack.url(names[0], '/dashboard', 'default') + extra, want, LOAD_TIMEOUT);
    await t.context.close();
    const c = await newPage(browser);
    const drawn = await chartsDrawn(c.page, stack.url(names[0], '/', 'default') + extra, want, LOAD_TIMEOUT);
    const errors = [...t.errors, ...c.errors];
    await c.context.close();
    const ready = Math.max(table, drawn.at);
    console.log(
      `  table filled ${ms(table)}, every chart drawn ${ms(drawn.at)} (history applied at ${ms(drawn.historyDoneAt)})${errors.length ? `, page errors: ${errors.join('; ')}` : ''}`,
    );
    figures.several_grid_searches_table_ms = Math.round(table);
    figures.several_grid_searches_charts_ms = Math.round(drawn.at);
    goals.several_grid_searches_loaded_under_4s = ready < 4000 && errors.length === 0;
  }
  if (CASES.has(3)) {
    console.log(`\ncase 3: live, 20 experiments × 50 events/s for ${LIVE_SECONDS} s (analysis board open)`);
    for (const v of VARIANTS) {
      const r = await liveCase({ browser, stack, storage: root }, v, LIVE_SECONDS);
      console.log(
        `  ${v.padEnd(10)} frame p95 ${ms(r.frameP95)} (${r.frames} frames; ${ms(r.idleFrameP95)} with nothing arriving), emit → visible p50 ${ms(r.latencyP50)} p95 ${ms(r.latencyP95)} (${r.latencyCount} points, ${r.unseen} not seen), log ${r.logged} events, page ${r.pageEvents} (dropped ${r.dropped}), page work: ${r.work}, charts complete: ${r.chartsComplete} (${r.expectedPoints} points per chart expected, got ${[...new Set(r.chartPoints)].join('/')})${r.heap.length ? `, heap ${r.heap.map(mb).join(' ')}` : ''}${r.errors.length ? `, page errors: ${r.errors.join('; ')}` : ''}`,
      );
      if (r.profile) {
        writeFileSync(`${flags.profile}.live.cpuprofile`, JSON.stringify(r.profile));
        const { functions, scripts } = summarise(r.profile);
        console.log(`  CPU profile of the live page (self time) — full profile in ${flags.profile}.live.cpuprofile:`);
        for (const [name, t] of scripts) console.log(`    ${ms(t).padStart(8)}  ${name}`);
        console.log('  top functions:');
        for (const [name, t] of functions) console.log(`    ${ms(t).padStart(8)}  ${name}`);
      }
      figures[`case3_${v}_frame_p95_ms`] = Math.round(r.frameP95);
      figures[`case3_${v}_idle_frame_p95_ms`] = Math.round(r.idleFrameP95);
      figures[`case3_${v}_latency_p95_ms`] = Math.round(r.latencyP95);
      figures[`case3_${v}_dropped`] = r.dropped;
      if (v === 'default') {
        goals.case3_frame_p95_under_50ms = r.frameP95 < 50;
        goals.case3_latency_p95_under_500ms = r.latencyP95 < 500;
        goals.case3_nothing_dropped = r.dropped === 0 && r.chartsComplete && r.unseen === 0;
        if (flags.long) {
          const h = r.heap.slice(2); // from minute 1 on, once every line holds its cycle of epochs
          const mean = h.reduce((a, b) => a + b, 0) / h.length;
          figures.case4_heap_min_mb = Math.round(Math.min(...h) / 2 ** 20);
          figures.case4_heap_max_mb = Math.round(Math.max(...h) / 2 ** 20);
          goals.case4_heap_flat_10pct = h.every((x) => Math.abs(x - mean) <= 0.1 * mean);
        }
      }
    }
  }
} finally {
  await browser.close();
  await stack.stop();
  rmSync(root, { recursive: true, force: true });
}
const [load1] = readFileSync('/proc/loadavg', 'utf8').split(' ');
figures.load_average_at_end = Number(load1);
console.log(JSON.stringify({ bench: 'board', ...figures, goal_met: goals }));
