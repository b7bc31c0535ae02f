import { describe, expect, it } from 'vitest';
import { AsyncRungs } from './asyncRungs.js';
import { createScheduler, medianLadder } from './createScheduler.js';
import { percentile } from './ranking.js';
import type { Decision } from './searchTypes.js';
import { decisionSet, lines, simulate } from './simulateSearch.js';
import type { Scripted } from './simulateSearch.js';
import { PoolSource } from './trialSource.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
const asha = (n: number, deterministic = false) =>
  new AsyncRungs({
    source: new PoolSource(ids(n)),
    rungs: [1, 3, 9],
    policy: 'asha',
    mode: 'max',
    eta: 3,
    deterministic,
  });
const decisionOf = (decisions: readonly Decision[], trialId: number, rung = 0) =>
  decisions.find((d) => d.trialId === trialId && d.rung === rung && d.kind !== 'started');

/** Reports one rung-0 result after the other, each trial started just before it reports (promotions wait). */
function oneByOne(scheduler: AsyncRungs, scores: Scripted[]): Decision[] {
  const out: Decision[] = [];
  for (const s of scores) {
    let next = scheduler.next();
    while (next && next.segment.rung > 0) next = scheduler.next();
    if (!next) throw new Error('nothing to run');
    out.push(
      ...scheduler.report({
        trialId: next.segment.trialId,
        epoch: next.segment.toEpoch,
        score: typeof s === 'number' ? s : Number.NaN,
        failed: s === 'fail' ? 'out of memory' : undefined,
      }),
    );
  }
  return out;
}

describe('ASHA on scripted scores', () => {
  it('keeps a trial unless it is below the (1 - 1/η) quantile of the scores recorded before it', () => {
    const decided = oneByOne(asha(6), [0.5, 0.4, 0.7, 0.6, 0.2, 0.65]);
    // The first trial has nobody to lose to; then each is judged against the ones before it.
    expect(decisionOf(decided, 0)).toMatchObject({ kind: 'promoted', cutoff: undefined, nextEpoch: 3 });
    expect(decisionOf(decided, 1)).toMatchObject({ kind: 'stopped', score: 0.4, cutoff: 0.5 });
    expect(decisionOf(decided, 2)).toMatchObject({ kind: 'promoted', cutoff: percentile([0.5, 0.4], 200 / 3) });
    // 0.4, 0.5, 0.7: two thirds of the way is 0.5 + (0.7 - 0.5)/3.
    expect(decisionOf(decided, 3)?.cutoff).toBeCloseTo(0.5 + 0.2 / 3, 12);
    expect(decisionOf(decided, 3)?.kind).toBe('promoted');
    expect(decisionOf(decided, 4)).toMatchObject({ kind: 'stopped', score: 0.2, cutoff: 0.6 });
    expect(decisionOf(decided, 5)?.cutoff).toBeCloseTo(0.5 + 0.1 * (2 / 3), 12);
    expect(decisionOf(decided, 5)?.kind).toBe('promoted');
  });

  it('keeps a trial that ties with the cut-off', () => {
    const decided = oneByOne(asha(2), [0.5, 0.5]);
    expect(decisionOf(decided, 1)).toMatchObject({ kind: 'promoted', cutoff: 0.5 });
  });

  it('stops a trial whose score is not a number, and leaves it out of the cut-offs after it', () => {
    const decided = oneByOne(asha(3), ['nan', 0.3, 0.2]);
    expect(decisionOf(decided, 0)).toMatchObject({ kind: 'stopped', reason: 'its score is not a number' });
    expect(decisionOf(decided, 1)).toMatchObject({ kind: 'promoted', cutoff: undefined });
    expect(decisionOf(decided, 2)).toMatchObject({ kind: 'stopped', cutoff: 0.3 });
  });

  it('records a failed trial and judges the next one as if it had not been there', () => {
    const decided = oneByOne(asha(2), ['fail', 0.1]);
    expect(decisionOf(decided, 0)).toMatchObject({ kind: 'failed', reason: 'out of memory' });
    expect(decisionOf(decided, 1)).toMatchObject({ kind: 'promoted', cutoff: undefined });
  });

  it('never lets a worker wait: while trials run it starts new ones, and runs promoted ones first', () => {
    const scheduler = asha(5);
    const a = scheduler.next()!.segment;
    const b = scheduler.next()!.segment;
    expect([a.trialId, b.trialId]).toEqual([0, 1]);
    expect(scheduler.report({ trialId: a.trialId, epoch: 1, score: 0.9 })[0]?.kind).toBe('promoted');
    // Trial 0's next segment (1 → 3 epochs) comes before a new trial.
    expect(scheduler.next()?.segment).toMatchObject({ trialId: 0, rung: 1, fromEpoch: 1, toEpoch: 3 });
    expect(scheduler.next()?.segment).toMatchObject({ trialId: 2, rung: 0, fromEpoch: 0, toEpoch: 1 });
  });

  it('decides a trial that finishes between two decisions against what was recorded when it reported', () => {
    const scheduler = asha(3);
    const [a, b, c] = [scheduler.next()!, scheduler.next()!, scheduler.next()!].map((n) => n.segment);
    const first = scheduler.report({ trialId: b!.trialId, epoch: 1, score: 0.2 });
    const second = scheduler.report({ trialId: a!.trialId, epoch: 1, score: 0.1 });
    const third = scheduler.report({ trialId: c!.trialId, epoch: 1, score: 0.15 });
    expect(lines([...first, ...second, ...third])).toEqual([
      '1 promoted b0 r0 e1→3 0.2',
      '0 stopped b0 r0 e1 0.1 cut 0.2',
      `2 stopped b0 r0 e1 0.15 cut ${percentile([0.2, 0.1], 200 / 3)}`,
    ]);
  });

  describe('deterministic', () => {
    const score = (t: number, e: number): Scripted => (((t * 29) % 31) / 31) * (1 + e / 20);

    it('judges each trial only against those started before it, so the finishing order does not matter', () => {
      const reference = decisionSet(simulate(asha(30, true), score, { workers: 1, pick: () => 0 }).decisions);
      for (const workers of [2, 3, 7])
        for (const seed of [1, 2])
          expect(decisionSet(simulate(asha(30, true), score, { workers, seed }).decisions)).toEqual(reference);
    });

    it('holds a trial that finished before an earlier one, and decides both when the earlier one reports', () => {
      const scheduler = asha(3, true);
      const [a, b] = [scheduler.next()!.segment, scheduler.next()!.segment];
      expect(scheduler.report({ trialId: b.trialId, epoch: 1, score: 0.2 })).toEqual([]);
      // Its worker takes a new trial meanwhile.
      expect(scheduler.next()?.segment.trialId).toBe(2);
      const both = scheduler.report({ trialId: a.trialId, epoch: 1, score: 0.5 });
      expect(lines(both)).toEqual(['0 promoted b0 r0 e1→3 0.5', '1 stopped b0 r0 e1 0.2 cut 0.5']);
    });

    it('resumed from its recorded decisions, ends with the same decisions as an undisturbed run', () => {
      const undisturbed = decisionSet(simulate(asha(30, true), score, { workers: 3, seed: 1 }).decisions);
      for (const cut of [4, 20, 41]) {
        const before = simulate(asha(30, true), score, { workers: 3, seed: 2, maxReports: cut });
        const resumed = asha(30, true);
        for (const d of before.decisions) resumed.restore(d);
        const after = simulate(resumed, score, { workers: 2, seed: 3 });
        expect(decisionSet([...before.decisions, ...after.decisions])).toEqual(undisturbed);
      }
    });
  });

  it('not deterministic, a resumed run keeps every decision it recorded and takes none twice', () => {
    const score = (t: number, e: number): Scripted => (((t * 7) % 11) / 11) * (1 + e / 20);
    const before = simulate(asha(20), score, { workers: 2, seed: 5, maxReports: 15 });
    const resumed = asha(20);
    for (const d of before.decisions) resumed.restore(d);
    const after = simulate(resumed, score, { workers: 2, seed: 6 });
    const recorded = new Set(before.decisions.map((d) => `${d.trialId}/${d.rung}/${d.kind === 'started'}`));
    expect(after.decisions.filter((d) => recorded.has(`${d.trialId}/${d.rung}/${d.kind === 'started'}`))).toEqual([]);
    const finals = resumed.trials().map((t) => t.status);
    expect(finals.every((s) => s === 'stopped' || s === 'completed')).toBe(true);
    expect(finals).toHaveLength(20);
  });
});

describe('median stopping on scripted scores', () => {
  const median = () =>
    createScheduler({
      spec: { algorithm: 'median_stopping', metric: 'val/loss', mode: 'min', min_trials: 2 },
      maxEpochs: 4,
      candidates: ids(5),
      seed: 0,
    });

  it('checks every epoch from min_epochs on', () => {
    expect(medianLadder(1, 1, 4)).toEqual([1, 2, 3, 4]);
    expect(medianLadder(2, 3, 9)).toEqual([2, 5, 8, 9]);
  });

  it('stops a trial worse than the median of the others at the same epoch once enough others are there', () => {
    const scheduler = median();
    // Losses: lower is better. Run trials one after another to the end or until stopped.
    const loss: Record<number, number> = {};
    const run = simulate(
      scheduler,
      (t, e) => {
        loss[t] ??= [0.5, 0.4, 0.9, 0.3, 0.45][scheduler.trials().length - 1] as number;
        return (loss[t] as number) / e;
      },
      { workers: 1, pick: () => 0 },
    );
    const byTrial = new Map(scheduler.trials().map((t) => [loss[t.trialId], t]));
    // The first two have fewer than 2 others to compare with; 0.9 is worse than their median at epoch 1.
    expect(byTrial.get(0.5)?.status).toBe('completed');
    expect(byTrial.get(0.4)?.status).toBe('completed');
    expect(byTrial.get(0.9)).toMatchObject({ status: 'stopped', epoch: 1 });
    expect(byTrial.get(0.9)?.last?.cutoff).toBeCloseTo(0.45);
    expect(byTrial.get(0.3)?.status).toBe('completed');
    // Level with the median at epoch 1 (kept); at epoch 2 its 0.225 is worse than the others' median 0.2.
    expect(byTrial.get(0.45)).toMatchObject({ status: 'stopped', epoch: 2 });
    expect(byTrial.get(0.45)?.last?.cutoff).toBeCloseTo(0.2);
    expect(run.epochs).toBe(4 + 4 + 1 + 4 + 2);
  });
});
