import { describe, expect, it } from 'vitest';
import { shortestSuffixes } from './shortestSuffixes';

const labels = (paths: string[]) => Object.fromEntries(shortestSuffixes(paths));

describe('shortestSuffixes', () => {
  it('names a config key by its last segment when no other key ends with it (the headers read batch_size, lr)', () => {
    expect(labels(['data_loaders.config.batch_size', 'optimizer.config.params.lr'])).toEqual({
      'data_loaders.config.batch_size': 'batch_size',
      'optimizer.config.params.lr': 'lr',
    });
  });

  it('adds segments (leaving out config) until the end is unique', () => {
    expect(
      labels([
        'optimizer.config.params.lr',
        'scheduler.config.params.lr',
        'model.config.seed',
        'data.config.train.seed',
      ]),
    ).toEqual({
      'optimizer.config.params.lr': 'optimizer.params.lr',
      'scheduler.config.params.lr': 'scheduler.params.lr',
      'model.config.seed': 'model.seed',
      'data.config.train.seed': 'train.seed',
    });
  });

  it('keeps a key that ends another whole, and full paths where leaving out config would make two the same', () => {
    expect(labels(['lr', 'optimizer.lr'])).toEqual({ lr: 'lr', 'optimizer.lr': 'optimizer.lr' });
    expect(labels(['a.config.b', 'a.b'])).toEqual({ 'a.config.b': 'config.b', 'a.b': 'a.b' });
    expect(labels(['config'])).toEqual({ config: 'config' });
  });
});
