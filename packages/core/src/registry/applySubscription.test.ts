import { describe, expect, it } from 'vitest';
import type { MlgymError } from '@mlgym/protocol';
import { applySubscription } from './applySubscription.js';

describe('applySubscription', () => {
  const splits = { train: 't', val: 'v', test: 'x' };

  it('passes the whole value for no subscription or an empty list', () => {
    expect(applySubscription(splits, null, 'r')).toBe(splits);
    expect(applySubscription(splits, undefined, 'r')).toBe(splits);
    expect(applySubscription(splits, [], 'r')).toBe(splits);
  });

  it('selects keys in subscription order, indices from lists, and single elements', () => {
    expect(Object.entries(applySubscription(splits, ['test', 'train'], 'r') as object)).toEqual([
      ['test', 'x'],
      ['train', 't'],
    ]);
    expect(applySubscription(['a', 'b', 'c'], [2, 0], 'r')).toEqual(['c', 'a']);
    expect(applySubscription(splits, 'val', 'r')).toBe('v');
    expect(applySubscription(new Map([['conv_net', 1]]), 'conv_net', 'r')).toBe(1);
  });

  it('refuses missing keys and subscriptions of the wrong shape instead of yielding nothing', () => {
    const missing = (() => {
      try {
        applySubscription(splits, ['train', 'vall'], 'requirement "iterators" of "loader"');
      } catch (e) {
        return e as MlgymError;
      }
      return undefined;
    })();
    expect(missing?.code).toBe('SUBSCRIPTION_INVALID');
    expect(missing?.message).toMatch(/"vall".*one of train, val, test.*Did you mean "val"/);
    expect(() => applySubscription([1, 2], ['a'], 'r')).toThrow(/does not fit/);
    expect(() => applySubscription(splits, [0], 'r')).toThrow(/does not fit/);
  });
});
