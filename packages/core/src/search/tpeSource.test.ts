import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { createScheduler } from './createScheduler.js';
import { CategoricalParzen, NumericParzen, normalCdf, observationWeights } from './parzenEstimator.js';
import type { Dimension } from './searchSpace.js';
import { simulate } from './simulateSearch.js';
import { TpeSource, goodCount } from './tpeSource.js';

const dimensions: Dimension[] = [
  { name: 'lr', kind: 'float', low: 1e-4, high: 1, log: true },
  { name: 'x', kind: 'float', low: -5, high: 5, log: false },
  { name: 'width', kind: 'int', low: 8, high: 64 },
  { name: 'act', kind: 'categorical', choices: ['relu', 'tanh', { kind: 'elu', alpha: 1 }] },
];

/** A score with its optimum at lr 1e-2, x 1.5, width ≈ 40, act tanh (0 there, lower elsewhere). */
function objective(p: Record<string, unknown>): number {
  const lr = Math.log10(p['lr'] as number) + 2;
  const x = (p['x'] as number) - 1.5;
  const w = ((p['width'] as number) - 40) / 20;
  const act = p['act'] === 'tanh' ? 0 : 0.5;
  return -(lr * lr + 0.3 * x * x + w * w + act);
}

function bestOf(algorithm: 'tpe-random' | 'tpe', seed: number, trials = 40): number {
  const scheduler = createScheduler({
    spec: {
      algorithm: 'tpe',
      metric: 'val/score',
      mode: 'max',
      num_trials: trials,
      n_startup_trials: algorithm === 'tpe' ? 10 : trials,
    },
    maxEpochs: 1,
    candidates: [],
    dimensions,
    seed,
  });
  const run = simulate(scheduler, (t) => objective(scheduler.trials().find((x) => x.trialId === t)?.params ?? {}), {
    workers: 1,
    pick: () => 0,
  });
  expect(run.decisions.filter((d) => d.kind === 'completed')).toHaveLength(trials);
  return Math.max(...scheduler.trials().map((t) => t.scores[0] as number));
}

describe('Parzen estimators', () => {
  it('are densities on their interval: they integrate to 1 and sample inside it', () => {
    const est = new NumericParzen([0.1, 0.15, 0.8], 0, 1);
    let mass = 0;
    for (let i = 0; i < 20000; i++) mass += Math.exp(est.logPdf((i + 0.5) / 20000)) / 20000;
    expect(mass).toBeCloseTo(1, 3);
    const rng = new Rng(1);
    const samples = Array.from({ length: 2000 }, () => est.sample(rng));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1);
    // Most of the mass sits near the observations.
    expect(samples.filter((s) => s < 0.3).length).toBeGreaterThan(samples.filter((s) => s > 0.3 && s < 0.7).length);
    expect(est.logPdf(0.12)).toBeGreaterThan(est.logPdf(0.5));
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
  });

  it('weigh a categorical choice by how often it was observed, over a uniform prior', () => {
    const est = new CategoricalParzen([1, 1, 0], 3);
    const p = [0, 1, 2].map((c) => Math.exp(est.logPdf(c)));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(p[1]).toBeGreaterThan(p[0] as number);
    expect(p[0]).toBeGreaterThan(p[2] as number);
    expect(p[2]).toBeGreaterThan(0);
  });

  it("weigh observations and split them as Optuna's defaults do", () => {
    expect(observationWeights(3)).toEqual([1, 1, 1]);
    const w = observationWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30);
    expect(w.slice(5)).toEqual(Array.from({ length: 25 }, () => 1));
    expect([1, 9, 10, 11, 40, 300].map(goodCount)).toEqual([1, 1, 1, 2, 4, 25]);
  });
});

describe('TPE', () => {
  it('draws its first trials at random, then proposes from the good trials, the same for the same seed', () => {
    const source = new TpeSource({ dimensions, numTrials: 3, seed: 4, startupTrials: 1 });
    const first = source.next([], 'max');
    expect(first?.trialId).toBe(0);
    expect(new TpeSource({ dimensions, numTrials: 3, seed: 4 }).next([], 'max')).toEqual(first);
    expect(new TpeSource({ dimensions, numTrials: 3, seed: 5 }).next([], 'max')).not.toEqual(first);
    const observations = [{ trialId: 0, params: first?.params ?? {}, rung: 0, score: 1 }];
    const second = source.next(observations, 'max');
    expect(second?.trialId).toBe(1);
    expect(source.propose(1, observations, 'max')).toEqual(second?.params);
    for (const d of dimensions) {
      const v = second?.params[d.name];
      if (d.kind === 'categorical') expect(d.choices).toContainEqual(v);
      else if (d.kind === 'int')
        expect(Number.isInteger(v) && (v as number) >= d.low && (v as number) <= d.high).toBe(true);
      else expect((v as number) >= d.low && (v as number) <= d.high).toBe(true);
    }
    source.next(observations, 'max');
    expect(source.next(observations, 'max')).toBeUndefined();
  });

  it('finds better configurations than random search with the same 40 trials (median of 5 seeds)', () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const seeds = [0, 1, 2, 3, 4];
    const tpe = median(seeds.map((s) => bestOf('tpe', s)));
    const random = median(seeds.map((s) => bestOf('tpe-random', s)));
    expect(tpe).toBeGreaterThan(random);
  });

  it('ranks a trial that got further above one stopped earlier, whatever their scores (as Optuna ranks pruned trials)', () => {
    const d: Dimension[] = [{ name: 'x', kind: 'float', low: 0, high: 1, log: false }];
    // Ten trials near 0.1 stopped at rung 0 with high scores; one near 0.9 reached rung 2 with a low one.
    const observations = [
      ...Array.from({ length: 10 }, (_, i) => ({ trialId: i, params: { x: 0.1 + i * 0.001 }, rung: 0, score: 0.9 })),
      { trialId: 10, params: { x: 0.9 }, rung: 2, score: 0.1 },
    ];
    const source = new TpeSource({ dimensions: d, numTrials: 50, seed: 0, startupTrials: 5 });
    const proposals = Array.from({ length: 20 }, (_, i) => source.propose(100 + i, observations, 'max')['x'] as number);
    expect(proposals.filter((x) => x > 0.5).length).toBeGreaterThan(10);
  });
});
