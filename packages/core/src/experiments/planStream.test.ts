import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../config/loadRunConfig.js';
import { planExperiments } from './planExperiments.js';
import { planExperimentStream } from './planStream.js';

const repo = resolve(import.meta.dirname, '../../../..');
const example = (name: string) => join(repo, 'example', name, 'run_config.yml');

function writeRun(gs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-stream-'));
  writeFileSync(join(dir, 'gs.yml'), gs.join('\n'));
  writeFileSync(
    join(dir, 'run.yml'),
    'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: main_process}\n',
  );
  return join(dir, 'run.yml');
}

describe('planExperimentStream', () => {
  it.each(['grid_search_example', 'cross_validation', 'nested_cross_validation', 'tabular'])(
    'makes the experiments planExperiments makes for %s: ids, hashes, configs, swept values, folds',
    async (name) => {
      const plan = await planExperiments(loadRunConfig(example(name)));
      const stream = await planExperimentStream(loadRunConfig(example(name)));
      stream.check();
      expect([stream.mode, stream.gridSize, stream.count]).toEqual([plan.mode, plan.gridSize, plan.experiments.length]);
      expect(stream.notices).toEqual(plan.notices);
      expect([...stream.experiments()]).toEqual(plan.experiments);
    },
  );

  it('draws the random search planExperiments draws', async () => {
    const run = writeRun([
      'model: {component_type_key: MODEL_REGISTRY, variant_key: DEFAULT}',
      'optimizer:',
      '  component_type_key: OPTIMIZER',
      '  variant_key: DEFAULT',
      '  config:',
      '    optimizer_key: SGD',
      '    params: {lr: {sweep: random, distribution: loguniform, low: 0.0001, high: 0.1, num_samples: 3, seed: 5}}',
      'batch: {component_type_key: MODEL_REGISTRY, variant_key: DEFAULT, config: {size: {sweep: absolute, values: [1, 2]}}}',
    ]);
    const plan = await planExperiments(loadRunConfig(run)).catch((e: Error) => e);
    const stream = await planExperimentStream(loadRunConfig(run));
    // neither plans a run without a trainer: both say so the same way
    expect(() => stream.check()).toThrow(plan instanceof Error ? plan.message : 'planned');
    expect(stream.count).toBe(6);
    const lrs = [...stream.experiments()].map((e) => e.swept['optimizer.config.params.lr']);
    expect(new Set(lrs).size).toBe(3);
    expect(lrs[0]).toBe(lrs[1]); // one draw per sample, shared by the grid's configurations
  });

  it('reports every problem of every experiment as planExperiments does, before making any', async () => {
    const run = writeRun([
      'model: {component_type_key: MODEL, variant_key: DEFAULTT}',
      'optimizer:',
      '  component_type_key: OPTIMIZER',
      '  variant_key: DEFAULT',
      '  config: {optimizer_key: SGD, params: {lr: {sweep: absolute, values: [0.1, -1, -2]}}}',
    ]);
    const eager = await planExperiments(loadRunConfig(run)).catch((e: Error) => e);
    const stream = await planExperimentStream(loadRunConfig(run));
    let streamed: unknown;
    try {
      stream.check();
    } catch (e) {
      streamed = e;
    }
    expect(streamed).toBeInstanceOf(Error);
    expect((streamed as Error).message).toBe((eager as Error).message);
    expect((streamed as Error).message).toMatch(/optimizer\.config\.params\.lr: value out of range \(found number -1/);
    expect((streamed as Error).message).toMatch(/found number -2/);
  });

  it('checks each distinct component once: the unswept ones are the same objects in every configuration', async () => {
    const stream = await planExperimentStream(loadRunConfig(example('grid_search_example')));
    const [first, second, sixth] = [...stream.experiments()].filter((_, i) => i === 0 || i === 1 || i === 5);
    expect(first!.config['model']).toBe(second!.config['model']);
    expect(first!.config['data_loaders']).toBe(second!.config['data_loaders']); // batch 10 in both
    expect(first!.config['data_loaders']).not.toBe(sixth!.config['data_loaders']);
    expect(first!.config['optimizer']).not.toBe(second!.config['optimizer']);
  });
});
