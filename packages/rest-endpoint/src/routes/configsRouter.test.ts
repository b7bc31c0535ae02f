import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../testApp.js';

const GS = '2023-06-03--10-26-58';

describe('configs and experiments', () => {
  it('PUT then GET grid-search configs (GET appends .yml like the original) and experiment configs (.json)', async () => {
    const { app, root } = await testApp();
    const yaml = 'model_info:\n  model_version: 1.0.0\n';
    await request(app)
      .put(`/grid_searches/${GS}/grid_search_config.yml`)
      .send({ file_format: 'YAML', content: yaml })
      .expect(200, 'null');
    expect(readFileSync(join(root, GS, 'grid_search_config.yml'), 'utf8')).toBe(yaml);
    const got = await request(app).get(`/grid_searches/${GS}/grid_search_config`).expect(200);
    expect(got.text).toBe(yaml);
    expect(got.headers['content-type']).toMatch(/yaml/);
    await request(app).get(`/grid_searches/${GS}/grid_search_config.yml`).expect(200, yaml);

    const config = { model: { component_type_key: 'MODEL', variant_key: 'DEFAULT' } };
    await request(app)
      .put(`/grid_searches/${GS}/12/experiment_config.json`)
      .send({ file_format: 'JSON', content: JSON.stringify(config) })
      .expect(200);
    const exp = await request(app).get(`/grid_searches/${GS}/12/experiment_config`).expect(200);
    expect(JSON.parse(exp.text)).toEqual(config);
  });

  it('lists experiments with any number of ids and epochs, epochs compared as numbers', async () => {
    const { app, root } = await testApp();
    for (const id of [0, 2, 10, 11]) {
      mkdirSync(join(root, GS, String(id)), { recursive: true });
      writeFileSync(join(root, GS, String(id), 'experiment_config.json'), JSON.stringify({ id }));
    }
    for (const epoch of [2, 9, 10]) {
      mkdirSync(join(root, GS, '11', String(epoch)), { recursive: true });
      writeFileSync(join(root, GS, '11', String(epoch), 'model.bin'), 'x');
    }
    mkdirSync(join(root, GS, '2', '0'), { recursive: true }); // an empty epoch is not a checkpoint
    mkdirSync(join(root, GS, 'not-an-experiment'), { recursive: true });
    const res = await request(app).get(`/grid_searches/${GS}/experiments`).expect(200);
    expect(res.body).toEqual([
      { experiment_id: 0, last_checkpoint_id: -1, experiment_config: { id: 0 } },
      { experiment_id: 2, last_checkpoint_id: -1, experiment_config: { id: 2 } },
      { experiment_id: 10, last_checkpoint_id: -1, experiment_config: { id: 10 } },
      { experiment_id: 11, last_checkpoint_id: 10, experiment_config: { id: 11 } },
    ]);
    await request(app).get('/grid_searches/2099-01-01--00-00-00/experiments').expect(200, []);
    const list = await request(app).get('/grid_searches').expect(200);
    expect(list.body).toMatchObject([{ grid_search_id: GS, experiments: 4 }]);
  });

  it('serves system info, and answers 404 (not 500) for what does not exist', async () => {
    const { app, root } = await testApp();
    await request(app).get(`/system-info/${GS}/0`).expect(404);
    mkdirSync(join(root, GS, '0'), { recursive: true });
    writeFileSync(join(root, GS, '0', 'system_info.json'), '{"platform":"linux"}');
    expect((await request(app).get(`/system-info/${GS}/0`).expect(200)).body).toEqual({ platform: 'linux' });
    const missing = await request(app).get(`/grid_searches/${GS}/run_config`).expect(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
    await request(app).get('/no/such/route').expect(404);
  });

  it('refuses malformed config bodies with 400 and oversized ones with 413', async () => {
    const { app } = await testApp({ maxChunkBytes: 1000 });
    const bad = await request(app)
      .put(`/grid_searches/${GS}/run_config.yml`)
      .send({ format: 'YAML', content: 1 })
      .expect(400);
    expect(bad.body.code).toBe('BAD_REQUEST');
    await request(app)
      .put(`/grid_searches/${GS}/run_config.yml`)
      .set('Content-Type', 'application/json')
      .send('{not json')
      .expect(400);
    const big = await request(app)
      .put(`/grid_searches/${GS}/run_config.yml`)
      .send({ file_format: 'YAML', content: 'x'.repeat(5000) })
      .expect(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
