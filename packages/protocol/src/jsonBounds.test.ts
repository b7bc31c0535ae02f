import { describe, expect, it } from 'vitest';
import { MlgymEventSchema } from './events.js';
import { MAX_EVENT_BYTES, MAX_JSON_DEPTH, jsonSizeAtLeast, nestsDeeperThan } from './jsonBounds.js';

const event = (extra: unknown) => ({
  event_type: 'job_status',
  creation_ts: 1,
  payload: {
    grid_search_id: 'g',
    experiment_id: 0,
    job_id: 0,
    job_type: 1,
    status: 'RUNNING',
    starting_time: 1,
    finishing_time: -1,
    error: null,
    stacktrace: null,
    extra,
  },
});
function deep(levels: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < levels; i++) v = i % 2 ? { k: v } : [v];
  return v;
}

describe('event bounds in the schema', () => {
  it('measures depth and size iteratively, even far beyond the stack', () => {
    expect(nestsDeeperThan(deep(10), 10)).toBe(false);
    expect(nestsDeeperThan(deep(11), 10)).toBe(true);
    expect(nestsDeeperThan(deep(200_000), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonSizeAtLeast('x'.repeat(100), 101)).toBe(true);
    expect(jsonSizeAtLeast({ a: [1, 2, 3] }, 100)).toBe(false);
  });

  it('refuses events nested too deep or too large, and accepts ordinary ones', () => {
    expect(MlgymEventSchema.safeParse(event({ a: [1, { b: 2 }] })).success).toBe(true);
    const tooDeep = MlgymEventSchema.safeParse(event(deep(4110)));
    expect(tooDeep.success).toBe(false);
    expect(tooDeep.error?.issues[0]?.message).toMatch(/64 levels/);
    const tooBig = MlgymEventSchema.safeParse(event('x'.repeat(MAX_EVENT_BYTES)));
    expect(tooBig.error?.issues[0]?.message).toMatch(/larger than/);
  });
});
