import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { pipelineTree } from './modelCard.js';
import { testApp } from './testApp.js';

const GS = '2023-06-03--10-26-58';
const config = {
  repo: { component_type_key: 'DATASET_REPOSITORY', variant_key: 'DEFAULT' },
  iterators: {
    component_type_key: 'DATASET_ITERATORS',
    variant_key: 'DEFAULT',
    requirements: [{ name: 'repository', component_name: 'repo' }],
    config: { dataset_identifier: 'mnist', split_configs: [{ split: 'train' }] },
  },
  opt: {
    component_type_key: 'OPTIMIZER',
    variant_key: 'DEFAULT',
    config: { optimizer_key: 'ADAM', params: { lr: 0.001 } },
  },
  trainer_part: {
    component_type_key: 'TRAIN_COMPONENT',
    variant_key: 'DEFAULT',
    config: { loss_fun_config: { key: 'CrossEntropyLoss', tag: 'ce' } },
  },
  evaluation: {
    component_type_key: 'EVAL_COMPONENT',
    variant_key: 'DEFAULT',
    requirements: [{ name: 'data_loaders', component_name: 'iterators' }],
    config: {
      metrics_config: [
        { key: 'F1_SCORE', tag: 'F1_SCORE_macro', params: { average: 'macro' } },
        { key: 'BRIER_SCORE', tag: 'brier' },
      ],
      loss_funs_config: [{ key: 'CrossEntropyLoss', tag: 'ce' }],
    },
  },
};

describe('model card', () => {
  it('is built from stored facts: real parameter count, the training machine, components found by type', async () => {
    const { app, root } = await testApp();
    const dir = join(root, GS, '4');
    mkdirSync(join(dir, '3'), { recursive: true });
    mkdirSync(join(dir, '10'), { recursive: true });
    writeFileSync(join(dir, '3', 'model.bin'), 'x');
    writeFileSync(join(dir, '10', 'model.bin'), 'x');
    writeFileSync(join(dir, 'experiment_config.json'), JSON.stringify(config));
    writeFileSync(
      join(dir, 'system_info.json'),
      JSON.stringify({ platform: 'linux', cpu: 'TEST-CPU', captured_at: '2024-01-02T03:04:05Z' }),
    );
    writeFileSync(
      join(dir, 'model_summary.json'),
      JSON.stringify({ trainable_params: 1_199_882, total_params: 1_199_882 }),
    );
    writeFileSync(
      join(root, GS, 'grid_search_config.yml'),
      'model_info:\n  model_description: conv net\n  model_version: 1.0.0\n',
    );
    const card = (await request(app).get(`/model-card/${GS}/4`).expect(200)).body;
    expect(card.model_details).toMatchObject({
      model_description: 'conv net',
      model_version: '1.0.0',
      train_params: 1_199_882,
      latest_checkpoint_epoch: 10,
      train_date: '2024-01-02T03:04:05Z',
    });
    expect(card.training_details).toMatchObject({
      optimizer: 'ADAM',
      loss_func: 'ce',
      hyperparams: { optimizer: { lr: 0.001 } },
    });
    expect(card.eval_details).toEqual({
      loss_funcs: ['ce'],
      metrics: [
        { name: 'F1_SCORE_macro', params: { average: 'macro' } },
        { name: 'brier', params: {} },
      ],
    });
    expect(card.experiment_environment.system_env).toMatchObject({ cpu: 'TEST-CPU' });
    expect(card.dataset_details.considered_dataset).toBe('mnist');

    // Regenerated when an input changes.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(dir, 'model_summary.json'), JSON.stringify({ trainable_params: 42 }));
    expect((await request(app).get(`/model-card/${GS}/4`).expect(200)).body.model_details.train_params).toBe(42);
    await request(app).get(`/model-card/${GS}/99`).expect(404);
  });

  it('draws the pipeline with requirement-less components as roots and dependents below', () => {
    const tree = pipelineTree(config);
    expect(Object.keys(tree)).toEqual(['repo', 'opt', 'trainer_part']);
    expect(Object.keys(tree['repo']!.nodes)).toEqual(['iterators']);
    expect(Object.keys(tree['repo']!.nodes['iterators']!.nodes)).toEqual(['evaluation']);
    expect(tree['repo']!.nodes['iterators']!.requirements).toEqual(['repo']);
  });
});

describe('metrics export', () => {
  it("exports an experiment's scores from the event log as JSON and CSV", async () => {
    const { app, root } = await testApp();
    mkdirSync(join(root, GS), { recursive: true });
    const ev = (exp: number, epoch: number) =>
      JSON.stringify({
        event_type: 'evaluation_result',
        creation_ts: 1,
        payload: {
          grid_search_id: GS,
          experiment_id: exp,
          epoch,
          metric_scores: [{ metric: 'F1', split: 'val', score: epoch / 10 }],
          loss_scores: [{ loss: 'ce', split: 'val', score: 1 - epoch / 10 }],
        },
      });
    writeFileSync(join(root, GS, 'event_storage.log'), `${ev(1, 0)}\n${ev(2, 0)}\n${ev(1, 1)}\n{"torn`);
    const json = (await request(app).get(`/metrics/${GS}/1`).expect(200)).body;
    expect(json.rows).toEqual([
      { epoch: 0, split: 'val', kind: 'metric', name: 'F1', value: 0 },
      { epoch: 0, split: 'val', kind: 'loss', name: 'ce', value: 1 },
      { epoch: 1, split: 'val', kind: 'metric', name: 'F1', value: 0.1 },
      { epoch: 1, split: 'val', kind: 'loss', name: 'ce', value: 0.9 },
    ]);
    const csv = await request(app).get(`/metrics/${GS}/1?format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\n').slice(0, 3)).toEqual([
      'epoch,split,kind,name,value',
      '0,val,metric,F1,0',
      '0,val,loss,ce,1',
    ]);
    await request(app).get(`/metrics/${GS}/1?format=xml`).expect(400);
    await request(app).get(`/metrics/2099-01-01--00-00-00/1`).expect(404);
  });
});
