import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlgymEventSchema } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import { loadRunConfig } from '../config/loadRunConfig.js';
import { runFromRunConfig } from './runFromRunConfig.js';

const fixture = join(import.meta.dirname, '../training/fixtures/mlp_gs_config.yml');

function storedEvents(store: string, gs: string): MlgymEvent[] {
  return readFileSync(join(store, gs, 'event_storage.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => MlgymEventSchema.parse(JSON.parse(l)));
}

describe('a run config with tags and system metrics', () => {
  it('tags every experiment it announces, samples each one, and a warm start adds neither tag nor sample when off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlgym-run-tags-'));
    const store = join(dir, 'store');
    writeFileSync(
      join(dir, 'gs.yml'),
      readFileSync(fixture, 'utf8').replace(
        'params: {lr: 0.01}',
        'params: {lr: {sweep: absolute, values: [0.01, 0.02]}}',
      ),
    );
    writeFileSync(
      join(dir, 'run.yml'),
      [
        'run_configuration:',
        '  type: train',
        '  config: {num_epochs: 2, num_batches_per_epoch: 3, seed: 1, gs_config_path: gs.yml, tags: [baseline, mlp]}',
        'environment: {type: main_process, config: {backend: cpu}}',
        `logging: {event_storage_path: ${store}, system_metrics_interval_s: 0.001}`,
        '',
      ].join('\n'),
    );
    const trained = await runFromRunConfig(loadRunConfig(join(dir, 'run.yml')), { gridSearchId: 'tagged' });
    expect(trained.results.map((r) => r.status)).toEqual(['done', 'done']);
    const events = storedEvents(store, 'tagged');
    for (const id of [0, 1]) {
      const config = events.findIndex((e) => e.event_type === 'experiment_config' && e.payload.experiment_id === id);
      expect(events[config + 1]).toMatchObject({
        event_type: 'annotation',
        payload: { experiment_id: id, add_tags: ['baseline', 'mlp'], source: 'run_config' },
      });
      const samples = events.filter((e) => e.event_type === 'system_metrics' && e.payload.experiment_id === id);
      // every batch and evaluation step is past an interval of 1 ms
      expect(samples.length).toBeGreaterThanOrEqual(6);
      expect(samples[0]!.payload).toMatchObject({ backend: 'cpu', grid_search_id: 'tagged' });
    }

    writeFileSync(
      join(dir, 'warm.yml'),
      `run_configuration: {type: warmstart, config: {gridsearch_id: tagged, num_epochs: 3}}\nlogging: {event_storage_path: ${store}, system_metrics_interval_s: 0}\n`,
    );
    const before = events.length;
    await runFromRunConfig(loadRunConfig(join(dir, 'warm.yml')));
    const added = storedEvents(store, 'tagged').slice(before);
    expect(added.some((e) => e.event_type === 'evaluation_result' && e.payload.epoch === 2)).toBe(true);
    expect(added.filter((e) => e.event_type === 'annotation' || e.event_type === 'system_metrics')).toEqual([]);
  }, 60_000);
});
