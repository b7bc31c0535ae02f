import { describe, expect, it } from 'vitest';
import type { DataUpdate } from './dataUpdate';
import { KEY_STRIDE } from './experimentKey';
import { rekeyUpdate } from './rekeyUpdate';
import { emptyTarget } from '@mlgym/protocol';

const update = (ids: number[]): DataUpdate => ({
  rows: ids.map((experiment_id) => ({ experiment_id, job_status: 'RUNNING' })),
  configs: ids.map((experiment_id) => ({ experiment_id, config: { lr: experiment_id } })),
  points: ids.map((experiment_id) => ({
    key: 'val_acc',
    split: 'val',
    tag: 'acc',
    kind: 'metric',
    experiment_id,
    epochs: new Float64Array([0]),
    values: new Float64Array([0.5]),
  })),
  events: 3,
  lastEventId: 2,
  unknown: 0,
  malformed: 0,
  missingScores: 0,
  problems: [],
  search: { plan: null, decisions: [] },
});

describe('rekeyUpdate', () => {
  it("keeps the first grid search's post as it is", () => {
    const u = update([0, 1]);
    expect(rekeyUpdate(u, 0)).toBe(u);
  });

  it("keys a further grid search's rows, configs and points, and leaves its adaptive search out", () => {
    const r = rekeyUpdate(update([0, 5]), 2);
    expect(r.rows.map((x) => x.experiment_id)).toEqual([2 * KEY_STRIDE, 2 * KEY_STRIDE + 5]);
    expect(r.configs.map((x) => [x.experiment_id, x.config])).toEqual([
      [2 * KEY_STRIDE, { lr: 0 }],
      [2 * KEY_STRIDE + 5, { lr: 5 }],
    ]);
    expect(r.points.map((x) => x.experiment_id)).toEqual([2 * KEY_STRIDE, 2 * KEY_STRIDE + 5]);
    expect(r.points[0]?.values).toEqual(new Float64Array([0.5]));
    expect(r.search).toBeUndefined();
    expect(r.leftOut).toBeUndefined();
  });

  it("keys a further grid search's experiment tags and system metrics, and leaves its own note out", () => {
    const u = update([3]);
    const sample = { ...u.points[0]!, key: 'cpu_percent', split: 'system', tag: 'cpu_percent' };
    const tagged = { experiment_id: 3, target: { ...emptyTarget(), tags: ['best'] } };
    const note = { experiment_id: null, target: emptyTarget() };
    const r = rekeyUpdate({ ...u, system: [sample], annotations: [tagged, note] }, 1);
    expect(r.system?.map((x) => x.experiment_id)).toEqual([KEY_STRIDE + 3]);
    expect(r.annotations).toEqual([{ ...tagged, experiment_id: KEY_STRIDE + 3 }]);
  });

  it('leaves out and counts what a key cannot hold', () => {
    const r = rekeyUpdate(update([1, KEY_STRIDE]), 1);
    expect(r.rows.map((x) => x.experiment_id)).toEqual([KEY_STRIDE + 1]);
    expect(r.leftOut?.experimentEvents).toBe(3);
  });
});
