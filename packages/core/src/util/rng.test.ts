import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const seq = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seq);
    expect(new Rng(43).nextUint32()).not.toBe(seq[0]);
    expect(new Rng('x').nextUint32()).toBe(new Rng('x').nextUint32());
  });

  it('resumes exactly from a saved state', () => {
    const rng = new Rng(7);
    rng.permutation(10);
    const state = rng.getState();
    const next = [rng.nextFloat(), rng.nextInt(100)];
    const resumed = Rng.fromState(state);
    expect([resumed.nextFloat(), resumed.nextInt(100)]).toEqual(next);
  });

  it('draws uniform integers in range and permutations of every index', () => {
    const rng = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[rng.nextInt(6)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect([...rng.permutation(50)].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const f = rng.nextFloat();
    expect(f).toBeGreaterThanOrEqual(0);
    expect(f).toBeLessThan(1);
  });
});
