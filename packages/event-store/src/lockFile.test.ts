import { fork, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from './lockFile.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'mlgym-lock-'));
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('acquireLock', () => {
  it('refuses a live owner by name, takes over a dead one, and leaves nothing behind on release', async () => {
    const dir = fresh();
    const path = join(dir, 'x.lock');
    const release = await acquireLock(path, 'the test log');
    await expect(acquireLock(path, 'the test log')).rejects.toThrow(
      /the test log is already being written by this process/,
    );
    await release();
    expect(readdirSync(dir)).toEqual([]);

    writeFileSync(path, `${deadPid()}\n${hostname()}\n`);
    const again = await acquireLock(path, 'the test log');
    expect(readdirSync(dir)).toEqual(['x.lock.1']);
    await again();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets exactly one of several simultaneous starts in one process take over a stale lock, 50 rounds', async () => {
    const dead = deadPid();
    for (let round = 0; round < 50; round++) {
      const path = join(fresh(), 'x.lock');
      writeFileSync(path, `${dead}\n${hostname()}\n`);
      const results = await Promise.allSettled([0, 1, 2].map(() => acquireLock(path, 'the test log')));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won, `round ${round}`).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'STORAGE_LOCKED' });
      }
      await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    }
  });
});

// Processes racing for real (not interleaved at awaits): each round a stale lock, or none, and four
// processes told to take it at once. Each holds what it got until every one has answered.
const RACER = `
const { acquireLock } = await import(process.argv[2]);
let release;
process.on('message', async (m) => {
  if (m.path) {
    try {
      release = await acquireLock(m.path, 'the raced log');
      process.send({ won: true });
    } catch (error) {
      process.send({ won: false, code: error.code });
    }
  } else if (m.release) {
    await release?.();
    release = undefined;
    process.send({ released: true });
  }
});
process.send({ ready: true });
`;

const racers: ChildProcess[] = [];
afterAll(() => racers.forEach((r) => r.kill()));

describe('acquireLock raced by separate processes', () => {
  it('has exactly one winner in every round', async () => {
    const script = join(fresh(), 'racer.mjs');
    writeFileSync(script, RACER);
    const module = resolve(import.meta.dirname, '../dist/lockFile.js');
    for (let i = 0; i < 4; i++) {
      // The built module, under plain node (not the test runner's source conditions).
      const racer = fork(script, [module], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: [],
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      racers.push(racer);
      await once(racer, 'message');
    }
    const ask = (racer: ChildProcess, message: object) => {
      const answer = once(racer, 'message').then(([m]) => m as { won?: boolean; code?: string });
      racer.send(message);
      return answer;
    };
    const dead = deadPid();
    for (let round = 0; round < 40; round++) {
      const dir = fresh();
      const path = join(dir, 'x.lock');
      // Half the rounds start from a stale lock of an earlier generation, half from nothing.
      if (round % 2 === 0) writeFileSync(`${path}${round % 4 === 0 ? '' : '.3'}`, `${dead}\n${hostname()}\n`);
      const answers = await Promise.all(racers.map((r) => ask(r, { path })));
      expect(
        answers.filter((a) => a.won),
        `round ${round}`,
      ).toHaveLength(1);
      for (const a of answers) if (!a.won) expect(a.code).toBe('STORAGE_LOCKED');
      await Promise.all(racers.map((r) => ask(r, { release: true })));
      expect(readdirSync(dir)).toEqual([]);
    }
  }, 120_000);
});
