import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo, until } from './helpers.js';
import { FIXTURE_GS } from './mlboardHarness.js';
import { processesMarked } from './processes.js';
import { checkpointDigests } from './soak/checks.js';
import { pickPort } from '../scripts/lib/services.mjs';

const MARK = 'MLGYM_START_TEST';
const mark = randomUUID();
const started: ChildProcess[] = [];
const folders: string[] = [];
const folder = (prefix: string) => {
  folders.push(mkdtempSync(join(tmpdir(), prefix)));
  return folders.at(-1)!;
};
afterAll(() => {
  for (const pid of processesMarked(MARK, mark)) process.kill(pid, 'SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** `npm start -- …args` (the script itself; the test run has built everything already). */
function npmStart(...args: string[]) {
  const child = spawn(process.execPath, [join(repo, 'scripts/start.mjs'), '--any_port', ...args], {
    env: { ...process.env, [MARK]: mark, MLGYM_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => text };
}

async function noneLeft(): Promise<void> {
  await until(() => processesMarked(MARK, mark).length === 0, 10_000, 'every started process to be gone');
}

function runConfig(epochs: number): string {
  const dir = folder('mlgym-start-cfg-');
  const file = join(dir, 'run_config.yml');
  writeFileSync(
    file,
    `run_configuration: {type: train, config: {num_epochs: ${epochs}, num_batches_per_epoch: 20, gs_config_path: ${join(repo, 'test/fixtures/soak/gs_config.yml')}, seed: 1}}\n` +
      'environment: {type: multiprocessing, config: {process_count: 2, computation_device_ids: [], backend: wasm}}\n',
  );
  return file;
}

describe('npm start', () => {
  it("takes the original's ports when they are free, other free ports when not", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const taken = (server.address() as { port: number }).port;
    const instead = await pickPort(taken);
    expect(instead).not.toBe(taken);
    expect(instead).toBeGreaterThan(0);
    await new Promise((r) => server.close(r));
    expect(await pickPort(taken)).toBe(taken);
  });

  it('--board-only serves the storage over HTTP on every service; SIGINT stops every process it started', async () => {
    const storage = folder('mlgym-start-');
    // Two recorded grid searches (MLboard's fixture and an older copy of it, renamed throughout): the printed URL
    // opens the newest at once.
    cpSync(join(repo, 'test/fixtures/mlboard'), storage, { recursive: true });
    const older = '2026-11-30--09-00-00';
    cpSync(join(storage, FIXTURE_GS), join(storage, older), { recursive: true });
    const olderLog = join(storage, older, 'event_storage.log');
    writeFileSync(olderLog, readFileSync(olderLog, 'utf8').replaceAll(FIXTURE_GS, older));
    const ids = readdirSync(storage).filter((d) => existsSync(join(storage, d, 'event_storage.log')));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const newest = ids.sort().at(-1)!;
    const start = npmStart('--board-only', '--storage', storage);
    await until(() => start.output().includes('Press Ctrl-C to stop.'), 60_000, 'the board to be up');
    const ws = /websocket endpoint (http:\S+)/.exec(start.output())![1]!;
    const rest = /REST endpoint (http:\S+)/.exec(start.output())![1]!;
    expect((await fetch(`${rest}/grid_searches`)).status).toBe(200);
    expect((await fetch(`${ws}/socket.io/?EIO=4&transport=polling`)).status).toBe(200);
    const board = /MLboard: {2}(http:\S+)/.exec(start.output())?.[1];
    if (existsSync(join(repo, 'apps/ml_board/package.json'))) {
      expect(board).toBeDefined();
      expect(board).toBe(`${new URL(board!).origin}/?rest_endpoint=${rest}&ws_endpoint=${ws}&run_id=${newest}`);
      expect(start.output()).toContain(`${ids.length} grid searches; the URL opens the newest (${newest})`);
      expect(start.output()).toContain(`Others: pick one from the list at ${board!.replace(/&run_id=.*/, '')}`);
      expect((await fetch(board!)).status).toBe(200);
    } else expect(start.output()).toContain('apps/ml_board is not in this tree');
    expect(processesMarked(MARK, mark).length).toBeGreaterThanOrEqual(3);

    start.child.kill('SIGINT');
    expect(await start.exited).toBe(130);
    await noneLeft();
    await expect(fetch(`${rest}/grid_searches`)).rejects.toThrow();
  }, 120_000);

  it('Ctrl-C during training: every process stops, checkpoints verify, and the printed --resume finishes the run', async () => {
    const storage = folder('mlgym-start-');
    const config = runConfig(3);
    const first = npmStart('--config_path', config, '--storage', storage);
    const gs = () => /grid search ([\w.-]+)/.exec(first.output())?.[1];
    // Interrupted once the first checkpoint is stored, so the run is mid-way.
    await until(
      () =>
        !!gs() && readdirSync(join(storage, gs()!)).some((e) => existsSync(join(storage, gs()!, e, '0', 'model.ckpt'))),
      90_000,
      'a first checkpoint',
    );
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    await noneLeft();
    const id = gs()!;
    expect(first.output()).toContain(`npm start -- --resume ${id}`);
    // What was training when Ctrl-C came is interrupted, not failed with the worker's exit code.
    expect(first.output()).not.toMatch(/failed|exited with code 143/);
    expect(first.output()).toMatch(/^\s+\d+\s+interrupted\s/m);
    const digests = checkpointDigests(join(storage, id));
    expect(digests.length).toBeGreaterThan(0);
    for (const d of digests) expect(d.actual, d.file).toBe(d.recorded);

    const resumed = npmStart('--config_path', config, '--storage', storage, '--resume', id);
    await until(() => resumed.output().includes('Press Ctrl-C to stop.'), 120_000, 'the warm start to finish');
    expect(resumed.output()).toContain(`Training of grid search ${id} is over.`);
    const table = resumed
      .output()
      .split('\n')
      .filter((l) => /^\s+\d+\s+(done|failed)/.test(l));
    expect(table.map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual(
      [0, 1, 2, 3].map((e) => [String(e), 'done', '3']),
    );
    resumed.child.kill('SIGINT');
    expect(await resumed.exited).toBe(130);
    expect(resumed.output()).not.toContain('--resume');
    await noneLeft();
    for (const d of checkpointDigests(join(storage, id))) expect(d.actual, d.file).toBe(d.recorded);
  }, 240_000);
});
