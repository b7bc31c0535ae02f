// The soak (one round in `npm test`; `npm run soak -- --minutes N` repeats rounds with new seeds for N minutes).
// Replay a failing round with MLGYM_SOAK_SEED=<seed printed by it>.
import { spawn, spawnSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repo, until as waitFor } from './helpers.js';
import { processesMarked } from './processes.js';
import type { Browser } from 'playwright-core';
import { launchChromium } from './mlboardHarness.js';
import { boardPageCheck } from './soak/boardPage.js';
import { checkpointDigests, eventLogProblems, finalCheckpoints, readEvents, scoresByEpoch } from './soak/checks.js';
import { referenceRun, soakRun } from './soak/soakRun.js';
import type { Distributed } from './soak/soakRun.js';

const MARK = 'MLGYM_SOAK';
const mark = randomUUID();
const minutes = Number(process.env['MLGYM_SOAK_MINUTES'] ?? 0);
const fixedSeed = process.env['MLGYM_SOAK_SEED'];
const shape = { numEpochs: 4, batches: 30 };
const env = { [MARK]: mark };
const say = (line: string) => process.stdout.write(`soak: ${line}\n`);

afterAll(async () => {
  await browser?.close();
  for (const pid of processesMarked(MARK, mark)) process.kill(pid, 'SIGKILL');
  if (reference) rmSync(dirname(dirname(reference.gsDir)), { recursive: true, force: true });
});

// Debian's redis-server (.ci/run installs it): the distributed variant runs when it is there.
const REDIS = spawnSync('which', ['redis-server'], { encoding: 'utf8' }).stdout.trim();

let reference: Awaited<ReturnType<typeof referenceRun>>;
let expected: { checkpoints: ReturnType<typeof finalCheckpoints>; scores: ReturnType<typeof scoresByEpoch> };
// MLboard's page is watched in Debian's Chromium whenever apps/ml_board is in the tree.
const BOARD = existsSync(join(repo, 'apps/ml_board/package.json'));
let browser: Browser | undefined;
beforeAll(async () => {
  [reference, browser] = await Promise.all([referenceRun(shape, env), BOARD ? launchChromium() : undefined]);
  say(
    `undisturbed run: ${reference.seconds.toFixed(1)} s, a checkpoint every ${reference.checkpointSeconds.toFixed(2)} s`,
  );
  expected = { checkpoints: finalCheckpoints(reference.gsDir), scores: scoresByEpoch(readEvents(reference.gsDir)) };
}, 300_000);

/** Soak rounds with fresh seeds until `minutes` have passed (at least one), each checked in full. */
async function soakRounds(distributed?: Distributed): Promise<void> {
  expect(Object.keys(expected.checkpoints)).toHaveLength(4);
  expect(eventLogProblems(readEvents(reference.gsDir), shape.numEpochs)).toEqual([]);
  const until = Date.now() + minutes * 60_000;
  for (let round = 1; ; round++) {
    const seed = fixedSeed !== undefined ? Number(fixedSeed) : randomInt(2 ** 31);
    say(`${distributed ? 'distributed ' : ''}round ${round}: seed ${seed} (replay with MLGYM_SOAK_SEED=${seed})`);
    const board =
      browser &&
      boardPageCheck(browser, { log: say, screenshotName: `soak-dashboard${distributed ? '-distributed' : ''}` });
    const outcome = await soakRun({
      seed,
      shape,
      checkpointSeconds: reference.checkpointSeconds,
      env,
      log: say,
      distributed,
      onBoard: board?.onBoard,
    }).finally(() => board?.close());
    say(`round folder ${outcome.dir}`);
    expect(outcome.exitCode, outcome.output).toBe(0);
    expect(outcome.skipped, 'kills that found the run already over').toEqual([]);
    const events = readEvents(outcome.gsDir);
    expect(eventLogProblems(events, shape.numEpochs)).toEqual([]);
    expect(scoresByEpoch(events)).toEqual(expected.scores);
    expect(finalCheckpoints(outcome.gsDir)).toEqual(expected.checkpoints);
    const digests = checkpointDigests(outcome.gsDir);
    expect(digests.length).toBeGreaterThanOrEqual(4 * shape.numEpochs * 3);
    for (const d of digests) expect(d.recorded, d.file).toBe(d.actual);
    if (board) {
      // The page (its final table checked in onBoard, in the document opened before training: never reloaded) went
      // from connected to reconnecting when the websocket endpoint was killed, and back to connected by itself.
      const seen = board.report();
      const wsKill = outcome.kills.find((k) => k.victim === 'ws');
      say(
        `board page: ${seen.states.map((s, i) => `${s} (${((seen.stateTimes[i]! - (wsKill?.at ?? 0)) / 1000).toFixed(1)} s)`).join(' → ')} from the websocket endpoint's kill; final table ${seen.settleSeconds.toFixed(1)} s after the run`,
      );
      expect(seen.failures, 'the board page, never reloaded').toEqual([]);
      expect(wsKill, 'the websocket endpoint was killed').toBeDefined();
      expect(seen.states.join(' ')).toMatch(/^(connecting )?connected( \S+)* reconnecting( \S+)* connected$/);
      // A reconnecting that the kill caused, then connected again, each at or after the kill.
      const lost = seen.states.findIndex((s, i) => s === 'reconnecting' && seen.stateTimes[i]! >= wsKill!.at);
      expect(lost, `a "reconnecting" after the kill at ${wsKill!.at}: ${seen.stateTimes.join(', ')}`).toBeGreaterThan(
        0,
      );
      expect(seen.states.slice(lost + 1)).toContain('connected');
      expect(seen.errors).toEqual([]);
    }
    await waitFor(() => processesMarked(MARK, mark).length === 0 || !!distributed, 10_000, 'no process left');
    // A failed round keeps its folder (named in the failure) for a look; a passed one is removed.
    rmSync(outcome.dir, { recursive: true, force: true });
    if (Date.now() > until || fixedSeed !== undefined) break;
  }
}

const timeout = (minutes * 60 + 300) * 1000;

describe('soak: SIGKILL a worker, each MLboard service and the run, once each, at random moments', () => {
  it(
    'process pool: every experiment finishes bit-identical to an undisturbed run; each event stored once, in order; checkpoints verify',
    () => soakRounds(),
    timeout,
  );

  it.skipIf(!REDIS)(
    'distributed (two mlgym workers on Redis, a busy one killed): the same',
    async () => {
      const port = await freePort();
      const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, ...env },
      });
      let text = '';
      redis.stdout.on('data', (c: Buffer) => (text += c.toString()));
      try {
        await waitFor(() => text.includes('Ready to accept connections'), 15_000, 'redis-server');
        await soakRounds({ redisUrl: `redis://127.0.0.1:${port}`, queue: `soak-${port}` });
      } finally {
        redis.kill('SIGKILL');
      }
      await waitFor(() => processesMarked(MARK, mark).length === 0, 10_000, 'no process left');
    },
    timeout,
  );
});
