import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, MlgymEventSchema, ORIGINAL_EVENT_TYPES } from './events.js';
import { SearchSpecSchema, isAdaptiveSearch } from './searchConfig.js';

const decision = {
  grid_search_id: '2026-12-07--10-00-00',
  seq: 4,
  trial_id: 3,
  experiment_ids: [3, 12],
  decision: 'stopped',
  bracket: 0,
  rung: 1,
  epoch: 3,
  next_epoch: null,
  score: 0.81,
  cutoff: 0.86,
};

describe('search events and the search section', () => {
  it("accepts the search events beside the original's four, which are unchanged", () => {
    expect(ORIGINAL_EVENT_TYPES).toEqual(['experiment_config', 'job_status', 'experiment_status', 'evaluation_result']);
    expect(EVENT_TYPES).toEqual([
      ...ORIGINAL_EVENT_TYPES,
      'search_plan',
      'search_decision',
      'job_interrupted',
      'annotation',
      'system_metrics',
    ]);
    const parsed = MlgymEventSchema.safeParse({ event_type: 'search_decision', creation_ts: 1, payload: decision });
    expect(parsed.success).toBe(true);
    const interrupted = {
      grid_search_id: 'g',
      experiment_id: 2,
      job_id: 'g-2',
      epoch: -1,
      reason: 'the run was stopped',
      time: 1,
    };
    expect(
      MlgymEventSchema.safeParse({ event_type: 'job_interrupted', creation_ts: 1, payload: interrupted }).success,
    ).toBe(true);
  });

  it('refuses a decision it does not know, an unsafe grid search id, or no experiment', () => {
    const bad = (payload: object) =>
      MlgymEventSchema.safeParse({
        event_type: 'search_decision',
        creation_ts: 1,
        payload: { ...decision, ...payload },
      }).success;
    expect(bad({ decision: 'paused' })).toBe(false);
    expect(bad({ grid_search_id: '../x' })).toBe(false);
    expect(bad({ experiment_ids: [] })).toBe(false);
    expect(bad({ seq: -1 })).toBe(false);
  });

  it('takes per algorithm only its own keys, and knows which algorithms are adaptive', () => {
    const spec = (s: object) => SearchSpecSchema.safeParse({ metric: 'val/loss', mode: 'min', ...s });
    expect(spec({ algorithm: 'asha', deterministic: true, num_trials: 9 }).success).toBe(true);
    expect(spec({ algorithm: 'successive_halving', deterministic: true }).success).toBe(false);
    expect(spec({ algorithm: 'hyperband', reduction_factor: 1 }).success).toBe(false);
    expect(spec({ algorithm: 'tpe', pruner: 'median', n_startup_trials: 0 }).success).toBe(true);
    expect(spec({ algorithm: 'asha', metric: 'loss' }).success).toBe(false);
    expect(isAdaptiveSearch({ algorithm: 'grid', metric: 'val/loss', mode: 'min' })).toBe(false);
    expect(isAdaptiveSearch(undefined)).toBe(false);
    expect(isAdaptiveSearch({ algorithm: 'median_stopping', metric: 'val/loss', mode: 'min' })).toBe(true);
  });
});
