import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MlgymError } from '@mlgym/protocol';
import { loadRunConfig } from '../config/loadRunConfig.js';
import { createDatasetRepository } from '../data/datasetRepository.js';
import { planExperiments } from './planExperiments.js';

const repo = resolve(import.meta.dirname, '../../../..');
const example = (name: string) => join(repo, 'example', name, 'run_config.yml');
// Configs written in the original MLgym's format for these tests (see its README).
const original = join(repo, 'test/fixtures/compat');

describe('planExperiments on the example grid', () => {
  it('expands 15 experiments in the original order with stable, distinct hashes', async () => {
    const plan = await planExperiments(loadRunConfig(example('grid_search_example')));
    expect(plan.mode).toBe('GRID_SEARCH');
    expect(plan.experiments).toHaveLength(15);
    const swept = plan.experiments.map((e) => [
      e.swept['data_loaders.config.batch_size'],
      e.swept['optimizer.config.params.lr'],
    ]);
    expect(swept[0]).toEqual([10, 1]);
    expect(swept[1]).toEqual([10, 0.1]);
    expect(swept[5]).toEqual([50, 1]);
    expect(new Set(plan.experiments.map((e) => e.config_hash)).size).toBe(15);
    const again = await planExperiments(loadRunConfig(example('grid_search_example')));
    expect(again.experiments.map((e) => e.config_hash)).toEqual(plan.experiments.map((e) => e.config_hash));
    expect(plan.experiments[0]!.config).not.toHaveProperty('global_config');
    expect(plan.gs.modelInfo?.model_version).toBe('1.0.0');
  });

  it('numbers CV experiments fold-major and stores the fold information in each config', async () => {
    const plan = await planExperiments(loadRunConfig(example('cross_validation')));
    expect(plan.mode).toBe('CROSS_VALIDATION');
    expect(plan.experiments).toHaveLength(5 * 2);
    const e7 = plan.experiments[7]!;
    expect(e7.fold).toEqual({ id_val_fold_id: 3 });
    expect(e7.hyper_paramater_combination_id).toBe(1);
    expect((e7.config['cv_experiment_information'] as { config: unknown }).config).toEqual({
      experiment_id: 7,
      hyper_paramater_combination_id: 1,
      val_fold_id: 3,
    });
    const indices = (e7.config['iterator_folds'] as { config: { split_indices: { train: number[]; val: number[] } } })
      .config.split_indices;
    expect(indices.train.length + indices.val.length).toBe(createDatasetRepository().get('mnist', 'train').length);
    // The collator placeholder is left for the builder, as in the original.
    expect((e7.config['data_collator'] as { config: { collator_type: unknown } }).config.collator_type).toEqual({
      injectable: { id: 'id_conv_mnist_standard_collator' },
    });
  });

  it('numbers nested-CV experiments: all outer splits, then the inner ones, each × the grid', async () => {
    const plan = await planExperiments(loadRunConfig(example('nested_cross_validation')));
    expect(plan.experiments).toHaveLength((3 + 3 * 2) * 2);
    expect(plan.experiments.map((e) => e.fold?.['id_inner_test_fold_id']).slice(0, 6)).toEqual([
      -1, -1, -1, -1, -1, -1,
    ]);
    expect(plan.experiments[6]!.fold).toEqual({ id_outer_test_fold_id: 0, id_inner_test_fold_id: 0 });
  });

  it('refuses a CV whose validated dataset depends on a sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-plan-'));
    writeFileSync(
      join(dir, 'cv.yml'),
      'CROSS_VALIDATION: {iterator_key: data, split_key: train, config: {num_folds: 2}}\n',
    );
    writeFileSync(
      join(dir, 'gs.yml'),
      [
        'repo: {component_type_key: DATASET_REPOSITORY, variant_key: DEFAULT}',
        'data:',
        '  component_type_key: DATASET_ITERATORS',
        '  variant_key: DEFAULT',
        '  requirements: [{name: repository, component_name: repo}]',
        '  config: {dataset_identifier: {sweep: absolute, values: [mnist, mocked_dataset]}, split_configs: [{split: train}]}',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'run.yml'),
      'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml, validation_config_path: cv.yml}}\nenvironment: {type: main_process}\n',
    );
    await expect(planExperiments(loadRunConfig(join(dir, 'run.yml')))).rejects.toThrow(
      /depends on swept values \(found data\.config\.dataset_identifier/,
    );
  });

  it('folds a CSV table named relative to the gs config, whatever the working directory', async () => {
    // test/fixtures/cv's CV of the churn table, its CSV files beside the gs config in a folder of their own, the run
    // config elsewhere; the test runs from the repository.
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-plan-'));
    mkdirSync(join(dir, 'configs'));
    cpSync(join(repo, 'example/tabular/data'), join(dir, 'configs', 'data'), { recursive: true });
    const gs = readFileSync(join(repo, 'test/fixtures/cv/cv_gs_config.yml'), 'utf8');
    writeFileSync(join(dir, 'configs', 'gs.yml'), gs.replaceAll('../../../example/tabular/data/', 'data/'));
    cpSync(join(repo, 'test/fixtures/cv/cv_config.yml'), join(dir, 'configs', 'cv.yml'));
    writeFileSync(
      join(dir, 'run.yml'),
      'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: configs/gs.yml, validation_config_path: configs/cv.yml}}\nenvironment: {type: main_process}\n',
    );
    expect(process.cwd()).not.toBe(join(dir, 'configs'));
    const plan = await planExperiments(loadRunConfig(join(dir, 'run.yml')));
    expect(plan.mode).toBe('CROSS_VALIDATION');
    expect(plan.experiments.map((e) => [e.fold, e.hyper_paramater_combination_id])).toEqual([
      [{ id_val_fold_id: 0 }, 0],
      [{ id_val_fold_id: 0 }, 1],
      [{ id_val_fold_id: 1 }, 0],
      [{ id_val_fold_id: 1 }, 1],
    ]);
  });

  it('collects component errors of every experiment, located in the gs config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-plan-'));
    writeFileSync(
      join(dir, 'gs.yml'),
      [
        'model: {component_type_key: MODEL, variant_key: DEFAULTT}',
        'optimizer:',
        '  component_type_key: OPTIMIZER',
        '  variant_key: DEFAULT',
        '  config: {optimizer_key: SGD, params: {lr: {sweep: absolute, values: [0.1, -1]}}}',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'run.yml'),
      'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: main_process}\n',
    );
    let error: MlgymError | undefined;
    try {
      await planExperiments(loadRunConfig(join(dir, 'run.yml')));
    } catch (e) {
      error = e as MlgymError;
    }
    const text = error?.message ?? '';
    expect(text).toMatch(
      /gs\.yml:1:\d+: model\.variant_key: unknown variant_key "DEFAULTT" for MODEL .*Did you mean "DEFAULT"/,
    );
    expect(text).toMatch(
      /gs\.yml:5:\d+: optimizer\.config\.params\.lr: value out of range \(found number -1; expected a number > 0\)/,
    );
    expect(text).toMatch(/the experiment needs a component named "trainer"/);
  });
});

describe('configs in the original MLgym format', () => {
  const write = (dir: string, gs: string, validation?: string) => {
    const out = mkdtempSync(join(tmpdir(), 'mlgym-orig-'));
    const file = join(out, 'run_config.yml');
    const validationLine = validation ? `\n    validation_config_path: ${join(original, dir, validation)}` : '';
    writeFileSync(
      file,
      `run_configuration:\n  type: train\n  config:\n    num_epochs: 1\n    gs_config_path: ${join(original, dir, gs)}${validationLine}\nenvironment:\n  type: main_process\n`,
    );
    return file;
  };

  it('the grid search example gives the 15 experiments in the original order', async () => {
    const plan = await planExperiments(loadRunConfig(join(original, 'grid_search_example', 'run_config.yml')));
    expect(plan.experiments.map((e) => Object.values(e.swept))).toEqual(
      [10, 50, 100].flatMap((bs) => [1, 0.1, 0.01, 0.001, 0.0001].map((lr) => [bs, lr])),
    );
  });

  it('validation/grid_search expands to lr 1, 0.1, 0.01, 0.001 in that order', async () => {
    const plan = await planExperiments(loadRunConfig(write('validation/grid_search', 'gs_config.yml')));
    expect(plan.experiments.map((e) => e.swept['optimizer.config.params.lr'])).toEqual([1, 0.1, 0.01, 0.001]);
  });

  it('the CV config loads: 5 folds × grid', async () => {
    const plan = await planExperiments(
      loadRunConfig(write('validation/cross_validation', 'gs_config_cv.yml', 'cv_config.yml')),
    );
    expect(plan.experiments).toHaveLength(5 * plan.gridSize);
    expect(plan.gridSize).toBe(4);
  });

  it('the nested-CV config loads (its NestedCV key accepted): (5 + 5·2) × grid', async () => {
    const plan = await planExperiments(
      loadRunConfig(write('validation/nested_cross_validation', 'gs_config_nested_cv.yml', 'nested_cv_config.yml')),
    );
    expect(plan.mode).toBe('NESTED_CROSS_VALIDATION');
    expect(plan.experiments).toHaveLength((5 + 5 * 2) * plan.gridSize);
  });
});
