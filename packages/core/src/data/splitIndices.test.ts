import { describe, expect, it } from 'vitest';
import { randomSplitIndices, stratifiedSplitIndices } from './splitIndices.js';

describe('randomSplitIndices', () => {
  it('gives floor(ratio·n) indices per split and the rest to the last one, reproducibly', () => {
    const parts = randomSplitIndices(
      500,
      [
        ['train_1', 0.7],
        ['train_2', 0.3],
      ],
      2,
    );
    expect(parts.get('train_1')).toHaveLength(350);
    expect(parts.get('train_2')).toHaveLength(150);
    expect(
      randomSplitIndices(
        500,
        [
          ['train_1', 0.7],
          ['train_2', 0.3],
        ],
        2,
      ),
    ).toEqual(parts);
    const all = [...parts.get('train_1')!, ...parts.get('train_2')!].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 500 }, (_, i) => i));
    // Ratios that do not add up to 1 put the remainder in the last split.
    const loose = randomSplitIndices(
      100,
      [
        ['a', 0.1],
        ['b', 0.1],
      ],
      0,
    );
    expect([loose.get('a')!.length, loose.get('b')!.length]).toEqual([10, 90]);
  });

  it('refuses ratios outside [0, 1]', () => {
    expect(() => randomSplitIndices(10, [['a', 1.5]], 0)).toThrow(/out of range/);
  });
});

describe('stratifiedSplitIndices', () => {
  it('keeps class shares in each split', () => {
    const targets = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 'rare' : 'common'));
    const parts = stratifiedSplitIndices(
      targets,
      [
        ['train', 0.8],
        ['val', 0.2],
      ],
      5,
    );
    const rare = (idx: number[]) => idx.filter((i) => targets[i] === 'rare').length;
    expect(parts.get('train')).toHaveLength(800);
    expect(rare(parts.get('train')!)).toBe(200);
    expect(rare(parts.get('val')!)).toBe(50);
  });
});
