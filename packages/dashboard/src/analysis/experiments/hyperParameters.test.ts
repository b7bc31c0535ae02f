import { describe, expect, it } from 'vitest';
import { experimentConfig } from '../../test/events';
import { deriveHyperParameters } from './hyperParameters';

const config = (id: number, lr: number, bs: number) => {
  const e = experimentConfig(id, lr, bs);
  if (e.event_type !== 'experiment_config') throw new Error('fixture');
  return e.payload.config;
};

describe('deriveHyperParameters', () => {
  it('turns the leaves that differ between experiments into columns, labelled by their shortest unambiguous end', () => {
    const hp = deriveHyperParameters({ 0: config(0, 0.01, 16), 1: config(1, 0.001, 16), 2: config(2, 0.01, 64) });
    expect(hp.columns).toEqual([
      {
        id: 'hp:data_loaders.config.batch_size',
        path: 'data_loaders.config.batch_size',
        label: 'batch_size',
      },
      { id: 'hp:optimizer.config.params.lr', path: 'optimizer.config.params.lr', label: 'lr' },
    ]);
    expect(hp.values[1]).toEqual({ 'hp:data_loaders.config.batch_size': 16, 'hp:optimizer.config.params.lr': 0.001 });
  });

  it('has no columns for a single experiment or identical configs, and compares lists as values', () => {
    expect(deriveHyperParameters({ 0: config(0, 0.01, 16) }).columns).toEqual([]);
    expect(deriveHyperParameters({ 0: config(0, 0.01, 16), 1: config(1, 0.01, 16) }).columns).toEqual([]);
    const hp = deriveHyperParameters({ 0: { layers: [1, 2] }, 1: { layers: [1, 3] } });
    expect(hp.values[0]).toEqual({ 'hp:layers': '[1,2]' });
  });

  it('counts a key present in some experiments only as swept', () => {
    const hp = deriveHyperParameters({ 0: { a: 1 }, 1: { a: 1, dropout: 0.5 } });
    expect(hp.columns.map((c) => c.path)).toEqual(['dropout']);
    expect(hp.values[0]).toEqual({});
  });

  it('puts CV fold bookkeeping after the hyper-parameters, named from its fold key on', () => {
    const hp = deriveHyperParameters({
      0: {
        cv: { config: { val_fold_id: 0 } },
        folds: { config: { split_indices: { train: [1, 2] } } },
        opt: { lr: 1 },
      },
      1: {
        cv: { config: { val_fold_id: 1 } },
        folds: { config: { split_indices: { train: [0, 2] } } },
        opt: { lr: 2 },
      },
    });
    expect(hp.columns.map((c) => c.label)).toEqual(['lr', 'val_fold_id', 'split_indices.train']);
  });

  it('keeps the leaves every experiment shares, and names keys that end alike by more of their path', () => {
    const hp = deriveHyperParameters({
      0: { optimizer: { config: { lr: 0.1, name: 'adam' } }, scheduler: { config: { lr: 1 } } },
      1: { optimizer: { config: { lr: 0.2, name: 'adam' } }, scheduler: { config: { lr: 2 } } },
    });
    expect(hp.common).toEqual({ 'optimizer.config.name': 'adam' });
    expect(hp.columns.map((c) => c.label)).toEqual(['optimizer.lr', 'scheduler.lr']);
  });
});
