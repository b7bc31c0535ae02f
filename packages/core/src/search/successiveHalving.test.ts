import { describe, expect, it } from 'vitest';
import { createScheduler } from './createScheduler.js';
import { halvingSizes, hyperbandBrackets, ladderBudget, rungEpochs } from './ladder.js';
import type { Decision } from './searchTypes.js';
import { decisionSet, lines, simulate } from './simulateSearch.js';
import type { Scripted } from './simulateSearch.js';
import { SuccessiveHalving } from './successiveHalving.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
const sh = (n: number, scores: Partial<Record<number, Scripted>> = {}) => ({
  scheduler: new SuccessiveHalving({ pool: ids(n), brackets: [{ rungs: [1, 3, 9], trials: n }], eta: 3, mode: 'max' }),
  // Trial i scores i/10 at every rung unless scripted otherwise (higher ids are better).
  score: (t: number, epochs: number): Scripted => {
    const s = scores[t];
    return s === undefined ? t / 10 + epochs / 1000 : s;
  },
});
const of = (decisions: readonly Decision[], kind: Decision['kind'], rung?: number) =>
  decisions
    .filter((d) => d.kind === kind && (rung === undefined || d.rung === rung))
    .map((d) => d.trialId)
    .sort((a, b) => a - b);

describe('the rung ladder', () => {
  it('anchors rungs at num_epochs, η apart, at least min_epochs', () => {
    expect(rungEpochs(1, 9, 3)).toEqual([1, 3, 9]);
    expect(rungEpochs(1, 10, 3)).toEqual([1, 3, 10]);
    expect(rungEpochs(2, 9, 3)).toEqual([3, 9]);
    expect(rungEpochs(4, 4, 2)).toEqual([4]);
    expect(rungEpochs(1, 27, 3)).toEqual([1, 3, 9, 27]);
  });

  it("gives Hyperband's brackets of Li et al. (max 9, η 3: 9, 5 and 3 trials) and their budget", () => {
    const brackets = hyperbandBrackets(1, 9, 3);
    expect(brackets.map((b) => [b.trials, b.rungs])).toEqual([
      [9, [1, 3, 9]],
      [5, [3, 9]],
      [3, [9]],
    ]);
    const budget = brackets.reduce(
      (sum, b) => sum + ladderBudget(b.rungs, halvingSizes(b.trials, b.rungs.length, 3)),
      0,
    );
    expect(budget).toBe(9 * 1 + 3 * 2 + 1 * 6 + (5 * 3 + 1 * 6) + 3 * 9);
  });
});

describe('successive halving on scripted scores', () => {
  it('promotes the best ⌊n/η⌋ at each rung, stops the rest at the cut-off, and spends the planned budget', () => {
    const { scheduler, score } = sh(9);
    const run = simulate(scheduler, score, { workers: 2 });
    expect(of(run.decisions, 'started')).toEqual(ids(9));
    expect(of(run.decisions, 'promoted', 0)).toEqual([6, 7, 8]);
    expect(of(run.decisions, 'stopped', 0)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(of(run.decisions, 'promoted', 1)).toEqual([8]);
    expect(of(run.decisions, 'completed', 2)).toEqual([8]);
    const stop = run.decisions.find((d) => d.trialId === 5 && d.kind === 'stopped');
    expect(stop).toMatchObject({ rung: 0, epoch: 1, score: 0.501, cutoff: 0.601, nextEpoch: null });
    const promote = run.decisions.find((d) => d.trialId === 8 && d.kind === 'promoted' && d.rung === 0);
    expect(promote).toMatchObject({ epoch: 1, nextEpoch: 3 });
    expect(run.epochs).toBe(9 + 3 * 2 + 6);
    expect(scheduler.plan.budgetEpochs).toBe(run.epochs);
  });

  it('decides nothing until every trial of the rung has reported', () => {
    const { scheduler, score } = sh(9);
    const all = ids(9).map(() => scheduler.next());
    expect(scheduler.next()).toBeUndefined();
    for (const n of all.slice(0, 8)) {
      const segment = n?.segment;
      expect(
        scheduler.report({ trialId: segment!.trialId, epoch: 1, score: score(segment!.trialId, 1) as number }),
      ).toEqual([]);
      expect(scheduler.next()).toBeUndefined();
    }
    const last = all[8]!.segment;
    const decided = scheduler.report({ trialId: last.trialId, epoch: 1, score: 0.95 });
    expect(decided).toHaveLength(9);
    expect(decided.filter((d) => d.kind === 'promoted').map((d) => d.trialId)).toEqual([8, 7, 6]);
  });

  it('breaks ties at the cut-off by start order', () => {
    // Trials 2, 5 and 7 tie for the last two places.
    const { scheduler, score } = sh(9, { 8: 0.9, 2: 0.5, 5: 0.5, 7: 0.5, 6: 0.1 });
    const run = simulate(scheduler, score, { workers: 3, seed: 4 });
    expect(of(run.decisions, 'promoted', 0)).toEqual([2, 5, 8]);
    const seven = run.decisions.find((d) => d.trialId === 7 && d.kind !== 'started');
    expect(seven).toMatchObject({ kind: 'stopped', score: 0.5, cutoff: 0.5 });
  });

  it('stops a trial whose score is not a number at once and never promotes it, even to fill a rung', () => {
    const nan: Partial<Record<number, Scripted>> = Object.fromEntries(ids(8).map((i) => [i, 'nan']));
    const { scheduler, score } = sh(9, nan);
    const run = simulate(scheduler, score, { workers: 2 });
    expect(of(run.decisions, 'stopped', 0)).toEqual(ids(8));
    expect(run.decisions.find((d) => d.trialId === 0 && d.kind !== 'started')).toMatchObject({
      kind: 'stopped',
      reason: 'its score is not a number',
    });
    expect(of(run.decisions, 'promoted', 0)).toEqual([8]);
    expect(of(run.decisions, 'completed')).toEqual([8]);
  });

  it('records a failed trial, counts it in its rung and promotes others in its place', () => {
    const { scheduler, score } = sh(9, { 8: 'fail' });
    const run = simulate(scheduler, score, { workers: 2 });
    expect(run.decisions.find((d) => d.trialId === 8)).toBeDefined();
    expect(run.decisions.filter((d) => d.trialId === 8).map((d) => d.kind)).toEqual(['started', 'failed']);
    expect(of(run.decisions, 'promoted', 0)).toEqual([5, 6, 7]);
    expect(scheduler.trials().find((t) => t.trialId === 8)?.status).toBe('failed');
  });

  it('ends a trial its own early stopping ended, and promotes the next best in its place', () => {
    const { scheduler, score } = sh(9, { 8: { endedAt: 2, score: 0.99 } });
    const run = simulate(scheduler, score, { workers: 2 });
    // It ended inside rung 1's segment (epochs 1–3): completed there after 2 epochs, and 7 goes on in its place.
    expect(run.decisions.find((d) => d.trialId === 8 && d.kind === 'completed')).toMatchObject({
      rung: 1,
      epoch: 2,
      reason: 'its own early stopping ended it',
    });
    expect(of(run.decisions, 'promoted', 0)).toEqual([6, 7, 8]);
    expect(of(run.decisions, 'promoted', 1)).toEqual([7]);
    expect(run.epochs).toBe(9 + 2 * 2 + 1 + 6);
  });

  it('takes the same decisions whatever the number of workers and the order trials finish in', () => {
    const reference = decisionSet(simulate(sh(27).scheduler, sh(27).score, { workers: 1, pick: () => 0 }).decisions);
    for (const workers of [2, 3, 8]) {
      for (const seed of [1, 2, 3]) {
        const { scheduler, score } = sh(27);
        expect(decisionSet(simulate(scheduler, score, { workers, seed }).decisions)).toEqual(reference);
      }
    }
  });

  it('resumed from its recorded decisions, takes none of them again and ends as an undisturbed run', () => {
    const undisturbed = simulate(sh(27).scheduler, sh(27).score, { workers: 2, seed: 9 });
    for (const cut of [5, 27, 30, 40]) {
      const first = sh(27);
      const before = simulate(first.scheduler, first.score, { workers: 2, seed: 9, maxReports: cut });
      const resumed = sh(27);
      for (const d of before.decisions) resumed.scheduler.restore(d);
      const after = simulate(resumed.scheduler, resumed.score, { workers: 2, seed: 5 });
      const taken = new Set(lines(before.decisions));
      expect(lines(after.decisions).filter((l) => taken.has(l))).toEqual([]);
      expect(decisionSet([...before.decisions, ...after.decisions])).toEqual(decisionSet(undisturbed.decisions));
    }
  });
});

describe('hyperband on scripted scores', () => {
  const hb = () =>
    createScheduler({
      spec: { algorithm: 'hyperband', metric: 'val/acc', mode: 'max', reduction_factor: 3, min_epochs: 1 },
      maxEpochs: 9,
      candidates: ids(81),
      seed: 0,
    }) as SuccessiveHalving & { plan: { budgetEpochs: number } };

  it('runs its brackets independently, with the planned trials and budget', () => {
    const scheduler = hb();
    const run = simulate(scheduler, (t, e) => ((t * 37) % 81) / 81 + e / 100, { workers: 2, seed: 3 });
    expect(scheduler.plan.brackets.map((b) => b.rungs.map((r) => r.trials))).toEqual([[9, 3, 1], [5, 1], [3]]);
    expect(run.decisions.filter((d) => d.kind === 'started')).toHaveLength(17);
    expect(run.decisions.filter((d) => d.kind === 'completed')).toHaveLength(1 + 1 + 3);
    expect(run.epochs).toBe(scheduler.plan.budgetEpochs);
    expect(run.epochs).toBe(69);
  });

  it("decides one bracket's rung while a trial of another bracket finishes in between, and the same in any order", () => {
    const score = (t: number, e: number) => ((t * 37) % 81) / 81 + e / 100;
    const reference = decisionSet(simulate(hb(), score, { workers: 1, pick: () => 0 }).decisions);
    // Always finish the newest segment first: the brackets' segments interleave.
    const interleaved = simulate(hb(), score, { workers: 4, pick: (running) => running.length - 1 });
    expect(decisionSet(interleaved.decisions)).toEqual(reference);
  });
});
