import { describe, expect, it } from 'vitest';
import { createCheckpointingStrategy } from './checkpointingStrategy.js';
import type { CheckpointingSpec } from './checkpointingStrategy.js';
import { lastKEpochsImprovement, patience } from './earlyStopping.js';
import type { SplitResult } from './earlyStopping.js';

const val = (metrics: Record<string, number>, losses: Record<string, number> = {}): SplitResult[] => [
  { split: 'val', metrics, losses },
];

function firstStop(strategy: ReturnType<typeof lastKEpochsImprovement>, values: number[], key: 'metric' | 'loss') {
  return values.findIndex((v, e) => strategy.shouldStop(e, key === 'metric' ? val({ m: v }) : val({}, { m: v })));
}

describe('LAST_K_EPOCHS_IMPROVEMENT_STRATEGY (exactly the original)', () => {
  it('W=3, r=0.01: losses 2.3, 2.0, 1.99, 1.985 stop at epoch 3; accuracies 0.5, 0.6, 0.601, 0.602 too', () => {
    const config = { min_relative_improvement: 0.01, epochs_window: 3, split_name: 'val', monitoring_key: 'm' };
    expect(
      firstStop(lastKEpochsImprovement({ ...config, is_increase_task: false }), [2.3, 2.0, 1.99, 1.985], 'loss'),
    ).toBe(3);
    expect(
      firstStop(lastKEpochsImprovement({ ...config, is_increase_task: true }), [0.5, 0.6, 0.601, 0.602], 'metric'),
    ).toBe(3);
  });

  it('keeps going while steps improve and restores its buffer from state', () => {
    const s = lastKEpochsImprovement({
      min_relative_improvement: 0.01,
      epochs_window: 3,
      split_name: 'val',
      monitoring_key: 'm',
      is_increase_task: true,
    });
    expect([0.1, 0.2, 0.4, 0.8].map((v, e) => s.shouldStop(e, val({ m: v })))).toEqual([false, false, false, false]);
    const copy = lastKEpochsImprovement({
      min_relative_improvement: 0.01,
      epochs_window: 3,
      split_name: 'val',
      monitoring_key: 'm',
      is_increase_task: true,
    });
    copy.setState(s.getState());
    expect(copy.shouldStop(4, val({ m: 0.8 }))).toBe(s.shouldStop(4, val({ m: 0.8 })));
  });

  it('names a monitored key that does not exist', () => {
    const s = lastKEpochsImprovement({
      min_relative_improvement: 0.01,
      epochs_window: 3,
      split_name: 'val',
      monitoring_key: 'F1',
      is_increase_task: true,
    });
    expect(() => s.shouldStop(0, val({ F1_SCORE: 1 }))).toThrow(/"F1" is not a scalar metric or loss of split "val"/);
  });
});

describe('patience early stopping', () => {
  it('stops after `patience` epochs without beating the best by min_delta, and remembers the best epoch', () => {
    const s = patience({
      patience: 2,
      min_delta: 0.01,
      split_name: 'val',
      monitoring_key: 'loss',
      mode: 'min',
      is_increase_task: false,
      restore_best_weights: false,
    });
    const stops = [1.0, 0.8, 0.795, 0.81, 0.7].map((v, e) => s.shouldStop(e, val({}, { loss: v })));
    expect(stops).toEqual([false, false, false, true, false]);
    expect(s.bestEpoch?.()).toBe(4);
  });
});

describe('checkpointing strategies', () => {
  const run = (spec: CheckpointingSpec, scores: number[]) => {
    const s = createCheckpointingStrategy(spec);
    return scores.map((v, e) => s.decide(e, val({ acc: v }), e === scores.length - 1));
  };

  it('save-last-only deletes the previous epoch; save-all keeps everything', () => {
    expect(run({ checkpointing_key: 'SAVE_LAST_EPOCH_ONLY_CHECKPOINTING_STRATEGY' }, [0, 0, 0])).toEqual([
      { save: true, delete: [] },
      { save: true, delete: [0] },
      { save: true, delete: [1] },
    ]);
    expect(run({ checkpointing_key: 'SAVE_ALL_CHECKPOINTING_STRATEGY' }, [0, 0]).map((i) => i.delete)).toEqual([
      [],
      [],
    ]);
  });

  it('every-n saves every n-th and the last epoch; keep-last-n keeps a sliding window', () => {
    expect(
      run(
        { checkpointing_key: 'EVERY_N_EPOCHS_CHECKPOINTING_STRATEGY', checkpointing_config: { n: 2 } },
        [0, 0, 0, 0, 0],
      ).map((i) => i.save),
    ).toEqual([false, true, false, true, true]);
    expect(
      run(
        { checkpointing_key: 'KEEP_LAST_N_CHECKPOINTING_STRATEGY', checkpointing_config: { n: 2 } },
        [0, 0, 0, 0],
      ).map((i) => i.delete),
    ).toEqual([[], [], [0], [1]]);
  });

  it('best-k keeps the k best epochs by the monitored value, plus the newest', () => {
    const decisions = run(
      {
        checkpointing_key: 'BEST_K_CHECKPOINTING_STRATEGY',
        checkpointing_config: { k: 1, split_name: 'val', monitoring_key: 'acc', mode: 'max' },
      },
      [0.5, 0.9, 0.6, 0.7],
    );
    expect(decisions.map((d) => d.delete)).toEqual([[], [0], [], [2]]);
  });
});
