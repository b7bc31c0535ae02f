import { describe, expect, it } from 'vitest';
import { KEY_STRIDE, experimentKey, experimentName, splitKey } from './experimentKey';

describe('experiment keys of several grid searches', () => {
  it('keeps the first grid search’s ids and puts the others’ beyond them, exactly', () => {
    expect(experimentKey(0, 7)).toBe(7);
    expect(experimentKey(2, 7)).toBe(2 * KEY_STRIDE + 7);
    for (const [index, id] of [
      [0, 0],
      [1, 0],
      [7, KEY_STRIDE - 1],
      [3, 123_456],
    ] as const)
      expect(splitKey(experimentKey(index, id) as number)).toEqual({ index, id });
  });

  it('refuses ids a key cannot hold', () => {
    expect(experimentKey(1, KEY_STRIDE)).toBeNull();
    expect(experimentKey(1, -1)).toBeNull();
    expect(experimentKey(1, 1.5)).toBeNull();
  });

  it('names an experiment with its grid search only when the page shows several', () => {
    expect(experimentName(7, ['gs-a'])).toBe('experiment_7');
    expect(experimentName(KEY_STRIDE + 7, ['gs-a', 'gs-b'])).toBe('gs-b/experiment_7');
    expect(experimentName(7, ['gs-a', 'gs-b'])).toBe('gs-a/experiment_7');
  });
});
