import { describe, expect, it } from 'vitest';
import { historyLeftMs } from './historyPace';

describe('historyLeftMs', () => {
  it('extrapolates the pace so far: a third in 200 ms leaves 400 ms, a tenth leaves 1.8 s', () => {
    expect(historyLeftMs(200, { received: 100, announced: 300 })).toBe(400);
    expect(historyLeftMs(200, { received: 10_000, announced: 100_000 })).toBe(1800);
    expect(historyLeftMs(500, { received: 300, announced: 300 })).toBe(0);
  });

  it('is unknown (Infinity) without a count or before the first line', () => {
    expect(historyLeftMs(200, { received: 0, announced: 300 })).toBe(Infinity);
    expect(historyLeftMs(200, { received: 50, announced: 0 })).toBe(Infinity);
  });
});
