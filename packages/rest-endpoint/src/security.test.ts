import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createAccessControl } from '@mlgym/server-security';
import { testApp } from './testApp.js';

const GS = '2023-06-03--10-26-58';

describe('paths from requests never leave the storage root', () => {
  const attempts = [
    `/grid_searches/%2e%2e/experiments`,
    `/grid_searches/..%2f..%2fetc/passwd`,
    `/grid_searches/%2e%2e/%2e%2e`,
    `/grid_searches/${GS}/%2e%2e%2f%2e%2e%2fsecret`,
    `/grid_searches/${GS}/0/..%2F..%2Fsecret`,
    `/grid_searches/%2Fetc/passwd`,
    `/grid_searches/${GS}/%2Fetc%2Fpasswd`,
    `/grid_searches/${GS}/run%00config`,
    `/checkpoints/${GS}/0/0/%2e%2e%2f%2e%2e%2fexperiment_config.json`,
    `/checkpoints/${GS}/..%2f0/0/model.bin`,
    `/checkpoints/${GS}/-1/0/model.bin`,
    `/checkpoints/${GS}/0/1e3/model.bin`,
    `/checkpoint_list/${GS}/%2e%2e`,
    `/model-card/%2e%2e/0`,
    `/system-info/${GS}/0%00`,
    `/metrics/..%5c..%5c/0`,
  ];

  it.each(attempts)('GET %s is refused', async (url) => {
    const { app } = await testApp();
    const res = await request(app).get(url);
    expect([400, 404]).toContain(res.status);
    expect(res.body.code).toMatch(/STORAGE_PATH_UNSAFE|NOT_FOUND|BAD_REQUEST/);
  });

  it('writes with traversal names create nothing outside', async () => {
    const { app, root } = await testApp();
    const parent = join(root, '..');
    const before = readdirSync(parent).sort();
    await request(app).put('/grid_searches/%2e%2e/evil.yml').send({ file_format: 'YAML', content: 'x' }).expect(400);
    await request(app)
      .put(`/grid_searches/${GS}/%2e%2e%2fevil.yml`)
      .send({ file_format: 'YAML', content: 'x' })
      .expect(400);
    // The multipart parser keeps only the base name of an upload's file name.
    const stripped = await request(app)
      .post(`/checkpoints/${GS}/0/0`)
      .attach('checkpoint_file', Buffer.from('x'), '../../evil.bin')
      .expect(200);
    expect(stripped.body.file).toBe('evil.bin');
    expect(readdirSync(join(root, GS, '0', '0')).filter((f) => !f.startsWith('.'))).toEqual(['evil.bin']);
    await request(app)
      .post(`/checkpoints/${GS}/0/0`)
      .attach('checkpoint_file', Buffer.from('x'), '.hidden')
      .expect(400);
    await request(app)
      .put(`/checkpoints/${GS}/0/0/%2e%2e%2fx/chunks/0?num_chunks=1`)
      .send(Buffer.from('x'))
      .expect(400);
    expect(readdirSync(parent).sort()).toEqual(before);
  });

  it('refuses to follow a symlink that leads out of the root', async () => {
    const { app, root } = await testApp();
    const outside = mkdtempSync(join(tmpdir(), 'mlgym-outside-'));
    mkdirSync(join(outside, '0'), { recursive: true });
    writeFileSync(join(outside, '0', 'system_info.json'), '{"secret":true}');
    symlinkSync(outside, join(root, 'linked'));
    const res = await request(app).get('/system-info/linked/0');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('secret');
    await request(app)
      .post('/checkpoints/linked/0/0')
      .attach('checkpoint_file', Buffer.from('x'), 'model.bin')
      .expect(400);
    expect(readdirSync(join(outside, '0'))).toEqual(['system_info.json']);
  });
});

describe('authentication, CORS and errors', () => {
  it('with a token every request needs it (reads too); --public_reads keeps reads open', async () => {
    const { app } = await testApp({ authToken: 's3cret' });
    const body = { file_format: 'YAML', content: 'a: 1' };
    const denied = await request(app).put(`/grid_searches/${GS}/run_config.yml`).send(body).expect(401);
    expect(denied.body).toEqual({ code: 'AUTH_REQUIRED', message: expect.stringContaining('bearer token') });
    expect(denied.headers['www-authenticate']).toBe('Bearer');
    const wrong = await request(app)
      .put(`/grid_searches/${GS}/run_config.yml`)
      .set('Authorization', 'Bearer wrong')
      .send(body)
      .expect(401);
    expect(wrong.body.code).toBe('AUTH_INVALID');
    await request(app)
      .put(`/grid_searches/${GS}/run_config.yml`)
      .set('Authorization', 'Bearer s3cret')
      .send(body)
      .expect(200);
    await request(app).get(`/grid_searches/${GS}/run_config`).expect(401);
    await request(app).get('/openapi.json').expect(401);
    await request(app).get(`/grid_searches/${GS}/run_config`).set('Authorization', 'Bearer s3cret').expect(200);
    const open = (await testApp({ access: createAccessControl({ token: 's3cret', publicReads: true }) })).app;
    await request(open).get('/grid_searches').expect(200);
    const write = await request(open).put(`/grid_searches/${GS}/run_config.yml`).send(body).expect(401);
    expect(write.body.code).toBe('AUTH_REQUIRED');
  });

  it('answers CORS only for allowed origins', async () => {
    const { app } = await testApp({ corsAllowedOrigins: ['http://127.0.0.1:8080'] });
    const ok = await request(app).options('/grid_searches').set('Origin', 'http://127.0.0.1:8080').expect(204);
    expect(ok.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080');
    const other = await request(app).get('/grid_searches').set('Origin', 'http://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await request(app).options('/grid_searches').set('Origin', 'http://evil.example').expect(403);
  });

  it('never leaks a stack trace in a 500', async () => {
    const { app, root } = await testApp({ log: () => undefined });
    mkdirSync(join(root, GS, '0', 'system_info.json'), { recursive: true }); // a folder where a file should be
    const res = await request(app).get(`/system-info/${GS}/0`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
