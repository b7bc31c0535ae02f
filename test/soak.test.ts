// The soak (one round in `npm test`; `npm run soak -- --minutes N` repeats rounds with new seeds for N minutes).
// Replay a failing round with MLGYM_SOAK_SEED=<seed printed by it>.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { processesMarked } from './processes.js';
import { checkpointDigests, eventLogProblems, finalCheckpoints, readEvents, scoresByEpoch } from './soak/checks.js';
import { referenceRun, soakRun } from './soak/soakRun.js';

const MARK = 'MLGYM_SOAK';
const mark = randomUUID();
const minutes = Number(process.env['MLGYM_SOAK_MINUTES'] ?? 0);
const fixedSeed = process.env['MLGYM_SOAK_SEED'];
const shape = { numEpochs: 4, batches: 20 };
const env = { [MARK]: mark };
const say = (line: string) => process.stdout.write(`soak: ${line}\n`);

afterAll(() => {
  for (const pid of processesMarked(MARK, mark)) process.kill(pid, 'SIGKILL');
});

describe('soak: SIGKILL a pool worker, each MLboard service and the run, once each, at random moments', () => {
  it(
    'every experiment finishes bit-identical to an undisturbed run; the event log holds each event once, in order; checkpoints verify',
    async () => {
      const reference = await referenceRun(shape, env);
      say(`undisturbed run: ${reference.seconds.toFixed(1)} s`);
      const expected = {
        checkpoints: finalCheckpoints(reference.gsDir),
        scores: scoresByEpoch(readEvents(reference.gsDir)),
      };
      expect(Object.keys(expected.checkpoints)).toHaveLength(4);
      expect(eventLogProblems(readEvents(reference.gsDir), shape.numEpochs)).toEqual([]);

      const until = Date.now() + minutes * 60_000;
      for (let round = 1; ; round++) {
        const seed = fixedSeed !== undefined ? Number(fixedSeed) : randomInt(2 ** 31);
        say(`round ${round}: seed ${seed} (replay with MLGYM_SOAK_SEED=${seed})`);
        const outcome = await soakRun({ seed, shape, referenceSeconds: reference.seconds, env, log: say });
        expect(outcome.exitCode, outcome.output).toBe(0);
        expect(outcome.skipped, 'kills that found the run already over').toEqual([]);
        const events = readEvents(outcome.gsDir);
        expect(eventLogProblems(events, shape.numEpochs)).toEqual([]);
        expect(scoresByEpoch(events)).toEqual(expected.scores);
        expect(finalCheckpoints(outcome.gsDir)).toEqual(expected.checkpoints);
        const digests = checkpointDigests(outcome.gsDir);
        expect(digests.length).toBeGreaterThanOrEqual(4 * shape.numEpochs * 3);
        for (const d of digests) expect(d.recorded, d.file).toBe(d.actual);
        expect(processesMarked(MARK, mark)).toEqual([]);
        if (Date.now() > until || fixedSeed !== undefined) break;
      }
    },
    (minutes * 60 + 300) * 1000,
  );
});
