import type { Express } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openApiPath } from './openapi.js';
import { testApp } from './testApp.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ name: string }> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path` of every route the app mounts with a handler of its own (input checks left aside). */
function mountedRoutes(app: Express): Set<string> {
  const out = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        if (layer.route.stack.every((h) => h.name === 'checkInputs')) continue;
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all') out.add(`${method.toUpperCase()} ${openApiPath(layer.route.path)}`);
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
};

describe('/openapi.json', () => {
  it('is generated from the route schemas and documents exactly the mounted routes', async () => {
    const { app } = await testApp();
    const doc = (await request(app).get('/openapi.json').expect(200)).body as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const mounted = mountedRoutes(app);
    expect(mounted.size).toBeGreaterThanOrEqual(19);
    expect([...documented].sort()).toEqual([...mounted].sort());
    // The path parameters are documented with their schemas.
    const chunk = doc.paths['/checkpoints/{gs}/{exp}/{epoch}/{resource}/chunks/{chunk_id}']?.['put'];
    expect(chunk?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:gs',
      'path:exp',
      'path:epoch',
      'path:resource',
      'path:chunk_id',
      'query:num_chunks',
      'query:chunk_size',
      'query:sha256',
    ]);
  });

  it('every documented route answers (no "no route"), and refuses bad path and query values by schema', async () => {
    const { app } = await testApp();
    const doc = (await request(app).get('/openapi.json')).body as Doc;
    const sample: Record<string, string> = {
      gs: '2024-02-02--02-02-02',
      exp: '0',
      epoch: '0',
      resource: 'model.bin',
      config_name: 'run_config.yml',
      chunk_id: '0',
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => sample[name] ?? 'x');
      for (const method of Object.keys(ops)) {
        const res = await request(app)[method as 'get'](url);
        expect(res.body?.message ?? '', `${method} ${url}`).not.toMatch(/^no route/);
      }
    }
    const badExp = await request(app).get(`/checkpoint_list/${sample['gs']}/01`).expect(400);
    expect(badExp.body.message).toMatch(/path\.exp: expected a non-negative integer/);
    const badQuery = await request(app)
      .put(`/checkpoints/${sample['gs']}/0/0/model.bin/chunks/0?num_chunks=zero`)
      .send(Buffer.from('x'))
      .expect(400);
    expect(badQuery.body.message).toMatch(/query\.num_chunks/);
    const badFormat = await request(app).get(`/metrics/${sample['gs']}/0?format=xml`).expect(400);
    expect(badFormat.body.message).toMatch(/query\.format/);
  });
});
