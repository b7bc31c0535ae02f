// One soak round: a grid search on process_count 2 through both MLboard endpoints (and ml_board when it is in the
// tree) while the harness SIGKILLs, once each and at moments drawn from a seed, a pool worker, each service and
// the run itself, restarting each (the run by a warm start). The checks live in checks.ts.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appBin, startBoardServices, startProcess } from '../../scripts/lib/services.mjs';
import { warmStartConfig } from '../../scripts/lib/runConfigs.mjs';
import { repo } from '../helpers.js';

export const SOAK_GS_CONFIG = join(repo, 'test/fixtures/soak/gs_config.yml');
/** Experiments in SOAK_GS_CONFIG (its learning-rate sweep). */
export const EXPERIMENTS = 4;

/** Checkpoints (epochs with a training_state.json) stored so far under a storage folder. */
function checkpointsStored(storage: string): number {
  if (!existsSync(storage)) return 0;
  let count = 0;
  for (const gs of readdirSync(storage).filter((d) => !d.startsWith('.'))) {
    for (const experiment of readdirSync(join(storage, gs)).filter((d) => /^\d+$/.test(d))) {
      for (const epoch of readdirSync(join(storage, gs, experiment)).filter((d) => /^\d+$/.test(d)))
        if (existsSync(join(storage, gs, experiment, epoch, 'training_state.json'))) count += 1;
    }
  }
  return count;
}

/** mulberry32: a small seeded generator, so a failing round replays from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SoakShape {
  numEpochs: number;
  batches: number;
}

/** A Redis queue and the `mlgym worker` processes that take its jobs. */
export interface Distributed {
  redisUrl: string;
  queue: string;
}

export function writeRunConfig(dir: string, shape: SoakShape, logging: string, distributed?: Distributed): string {
  const file = join(dir, 'run_config.yml');
  // Retries resume an experiment whose worker was killed (or that lost the REST endpoint) from its checkpoint.
  const environment = distributed
    ? `{type: distributed, config: {redis_url: ${distributed.redisUrl}, queue_name: ${distributed.queue}, backend: wasm, max_retries: 5}}`
    : '{type: multiprocessing, config: {process_count: 2, computation_device_ids: [], backend: wasm, max_retries: 5}}';
  writeFileSync(
    file,
    `run_configuration: {type: train, config: {num_epochs: ${shape.numEpochs}, num_batches_per_epoch: ${shape.batches}, gs_config_path: ${SOAK_GS_CONFIG}, seed: 1}}\n` +
      `environment: ${environment}\n${logging}`,
  );
  return file;
}

function startWorker(distributed: Distributed, env: Record<string, string>): Promise<Proc> {
  return startProcess({
    name: 'mlgym worker',
    bin: appBin('mlgym')!,
    args: ['worker', '--redis_url', distributed.redisUrl, '--queue_name', distributed.queue, '--lock_ms', '3000'],
    env,
    ready: /waiting for experiments/,
  });
}

/** Pids of the processes in the group led by `pid` (a distributed worker and the job process it runs). */
function groupOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return (
          Number(
            readFileSync(`/proc/${e}/stat`, 'utf8')
              .replace(/^.*\) /s, '')
              .split(' ')[2],
          ) === pid
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

type Proc = Awaited<ReturnType<typeof startProcess>>;

function runMlgym(config: string, env: Record<string, string>): Promise<Proc> {
  return startProcess({ name: 'mlgym run', bin: appBin('mlgym')!, args: ['run', '--config_path', config], env });
}

/** The undisturbed run of `shape`, into local storage: its folder and how long it took. */
export async function referenceRun(shape: SoakShape, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-soak-ref-'));
  const storage = join(dir, 'event_storage');
  const config = writeRunConfig(dir, shape, `logging: {event_storage_path: ${storage}}\n`);
  const started = Date.now();
  const run = await runMlgym(config, env);
  const { code } = await run.exited;
  if (code !== 0) throw new Error(`the reference run failed (${code}):\n${run.output()}`);
  const [gs] = readdirSync(storage).filter((d) => !d.startsWith('.'));
  const gsDir = join(storage, gs!);
  // Training speed apart from process start-up: the span between the first and the last checkpoint written.
  const written = readdirSync(gsDir)
    .filter((d) => /^\d+$/.test(d))
    .flatMap((e) =>
      readdirSync(join(gsDir, e))
        .filter((d) => /^\d+$/.test(d))
        .map((epoch) => join(gsDir, e, epoch, 'training_state.json')),
    )
    .filter((f) => existsSync(f))
    .map((f) => statSync(f).mtimeMs)
    .sort((a, b) => a - b);
  const checkpointSeconds = (written.at(-1)! - written[0]!) / 1000 / Math.max(1, written.length - 1);
  return { gsDir, seconds: (Date.now() - started) / 1000, checkpointSeconds };
}

/** Pids of the pool workers of a run (its children running apps/mlgym/dist/worker.js). */
function workersOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const ppid = Number(
        readFileSync(`/proc/${entry}/stat`, 'utf8')
          .replace(/^.*\) /s, '')
          .split(' ')[1],
      );
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('worker.js'))
        found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Victim = 'worker' | 'ws' | 'rest' | 'board' | 'run';

export interface SoakOptions {
  seed: number;
  shape: SoakShape;
  /** Seconds between checkpoints in the undisturbed run (its duration over its checkpoints): bounds the delays. */
  checkpointSeconds: number;
  env: Record<string, string>;
  log: (line: string) => void;
  /**
   * Run on a Redis queue taken by two `mlgym worker` processes instead of a process pool: the worker killed is
   * a busy `mlgym worker` (with its job process), restarted like the services; the run itself is not killed.
   */
  distributed?: Distributed;
  /**
   * Called once the board is up and the run has created its grid search (before training), and again once the
   * run is over (`done`), with ml_board's URL and the grid search: the place for the Chromium check of the page
   * (reconnected by itself, every experiment done with the scores of the log). Not called when apps/ml_board is
   * absent.
   */
  onBoard?: (state: { boardUrl: string; gridSearchId: string; gsDir: string; done: boolean }) => Promise<void>;
}

export interface SoakOutcome {
  /** The round's folder (storage, run configs), and the grid search in it. */
  dir: string;
  gsDir: string;
  /** Each kill: seconds into the round, the moment (ms since the epoch) and what was killed. */
  kills: Array<{ victim: Victim; atSeconds: number; at: number; detail: string }>;
  skipped: Victim[];
  exitCode: number | null;
  output: string;
}

export async function soakRun(options: SoakOptions): Promise<SoakOutcome> {
  const { shape, env, log } = options;
  const random = seededRandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-soak-'));
  const storage = join(dir, 'event_storage');
  const services = await startBoardServices({ storage, env });
  const workers = options.distributed
    ? await Promise.all([0, 1].map(() => startWorker(options.distributed!, env)))
    : [];
  const victims: Victim[] = [
    'worker',
    'ws',
    'rest',
    ...(services.boardUrl ? ['board' as const] : []),
    ...(options.distributed ? [] : ['run' as const]),
  ];
  // Kill moments are drawn in units of progress (checkpoints stored, out of experiments × epochs) plus a delay of
  // at most one checkpoint interval of the undisturbed run, counted from when that checkpoint appeared (delays do
  // not add up), so they fall inside the run however fast the machine is.
  const total = EXPERIMENTS * shape.numEpochs;
  const maxDelay = Math.min(1000, (options.checkpointSeconds * 1000) / 2);
  const drawn = victims
    .map((victim) => ({ victim, after: 1 + Math.floor(random() * total * 0.5), delay: random() * maxDelay }))
    .sort((a, b) => a.after - b.after || a.delay - b.delay);
  // The run is killed last: a kill planned after it waited on the warm start, which may have little left to do
  // and finish before its workers were found (seen on a loaded machine).
  const others = drawn.filter((p) => p.victim !== 'run');
  const runKill = drawn.find((p) => p.victim === 'run');
  const previous = others.at(-1);
  const plan =
    runKill && previous && runKill.after <= previous.after
      ? [...others, { ...runKill, after: previous.after, delay: Math.max(runKill.delay, previous.delay) }]
      : [...others, ...(runKill ? [runKill] : [])];
  log(
    `kills planned: ${plan.map((p) => `${p.victim} ${p.delay.toFixed(0)} ms after checkpoint ${p.after}/${total}`).join(', ')}`,
  );
  const config = writeRunConfig(
    dir,
    shape,
    `logging: {websocket_logging_servers: [${services.wsUrl}], gs_rest_api_endpoint: ${services.restUrl}}\n`,
    options.distributed,
  );
  let output = '';
  let run = await runMlgym(config, env);
  const gridSearchId = () => readdirSync(storage).find((d) => !d.startsWith('.'));
  if (services.boardUrl && options.onBoard) {
    // The run names its grid search (a folder in the storage) before it trains anything.
    for (let i = 0; i < 600 && !gridSearchId() && run.child.exitCode === null; i++) await sleep(50);
    const id = gridSearchId();
    if (!id) throw new Error(`the run stored no grid search within 30 s:\n${run.output()}`);
    await options.onBoard({ boardUrl: services.boardUrl, gridSearchId: id, gsDir: join(storage, id), done: false });
  }
  const started = Date.now();
  const kills: SoakOutcome['kills'] = [];
  const skipped: Victim[] = [];
  const restarts: Promise<void>[] = [];
  const runOver = () => run.child.exitCode !== null || run.child.signalCode !== null;

  // When each count of checkpoints was first seen, polled in the background so that a kill that took a while
  // (a restart of the run) does not push the later ones back.
  const firstSeen: number[] = [];
  const watchProgress = () => {
    const count = checkpointsStored(storage);
    for (let c = 0; c <= count; c++) firstSeen[c] ??= Date.now();
  };
  const watcher = setInterval(watchProgress, 20);
  try {
    for (const { victim, after, delay } of plan) {
      while (firstSeen[after] === undefined && !runOver()) await sleep(20);
      if (firstSeen[after] !== undefined) await sleep(firstSeen[after] + delay - Date.now());
      if (runOver()) {
        skipped.push(victim);
        continue;
      }
      const at = Date.now();
      const when = (at - started) / 1000;
      if (victim === 'worker' && options.distributed) {
        // A busy worker: its process group holds the job process too.
        for (let i = 0; i < 100 && !workers.some((w) => groupOf(w.child.pid!).length > 1) && !runOver(); i++)
          await sleep(50);
        const index = workers.findIndex((w) => groupOf(w.child.pid!).length > 1);
        if (index < 0) {
          skipped.push(victim);
          continue;
        }
        const worker = workers[index]!;
        worker.kill();
        await worker.exited;
        workers[index] = await startWorker(options.distributed, env);
        kills.push({
          victim,
          atSeconds: when,
          at,
          detail: `busy mlgym worker ${worker.child.pid} and its job, restarted`,
        });
      } else if (victim === 'worker') {
        let pids = workersOf(run.child.pid!);
        for (let i = 0; i < 100 && pids.length === 0 && !runOver(); i++) await sleep(50);
        pids = workersOf(run.child.pid!);
        if (pids.length === 0) {
          skipped.push(victim);
          continue;
        }
        const pid = pids[Math.floor(random() * pids.length)]!;
        process.kill(pid, 'SIGKILL');
        kills.push({ victim, atSeconds: when, at, detail: `pool worker ${pid}` });
      } else if (victim === 'run') {
        run.kill();
        await run.exited;
        await Promise.all(restarts); // the warm start reads the stored run through the REST endpoint
        output += run.output();
        const id = gridSearchId();
        if (!id) throw new Error(`the run was killed before it stored its grid search:\n${output}`);
        run = await runMlgym(warmStartConfig(config, id, services), env);
        kills.push({ victim, atSeconds: when, at, detail: `mlgym run, then a warm start of ${id}` });
      } else {
        // The service stays down for a while, but the schedule goes on meanwhile: with reused workers a small
        // run can finish within the pauses of a few restarts done one after another.
        const service = services.services[victim];
        service.kill();
        await service.exited;
        const pause = 200 + random() * 1500;
        log(`killed ${service.name} at ${when.toFixed(1)}s, restarting it in ${pause.toFixed(0)} ms`);
        restarts.push(
          sleep(pause)
            .then(() => services.restart(victim))
            .then(() => {
              kills.push({
                victim,
                atSeconds: when,
                at,
                detail: `${service.name}, restarted after ${pause.toFixed(0)} ms`,
              });
            }),
        );
        continue;
      }
      log(`killed ${kills.at(-1)!.detail} at ${when.toFixed(1)}s`);
    }
  } finally {
    clearInterval(watcher);
  }
  await Promise.all(restarts);
  const { code } = await run.exited;
  output += run.output();
  const id = gridSearchId();
  try {
    if (services.boardUrl && id)
      await options.onBoard?.({ boardUrl: services.boardUrl, gridSearchId: id, gsDir: join(storage, id), done: true });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await services.stopAll();
  }
  return { dir, gsDir: join(storage, id ?? 'missing'), kills, skipped, exitCode: code, output };
}
