import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { authErrorBodySchema, whoamiResponseSchema } from '@mlgym/protocol';
import { createAccessControl, hashToken } from '@mlgym/server-security';
import type { AccessControl } from '@mlgym/server-security';
import { testApp } from './testApp.js';

const GS = '2024-06-01--12-00-00';
const OTHER = '2023-01-01--00-00-00';
const opened: AccessControl[] = [];
afterEach(() => {
  for (const access of opened.splice(0)) access.close();
});

function team(): AccessControl {
  const file = join(mkdtempSync(join(tmpdir(), 'mlgym-rest-tokens-')), 'tokens.txt');
  writeFileSync(
    file,
    [
      'reader-token read name=rita',
      `${hashToken('writer-token')} write name=walt grid_searches=2024-*`,
      'admin-token admin name=ada',
    ].join('\n'),
  );
  const access = createAccessControl({ tokensFile: file });
  opened.push(access);
  return access;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('REST endpoint with a tokens file', () => {
  it('GET /whoami answers for the token sent (or none) and is never refused for lack of one', async () => {
    const { app } = await testApp({ access: team() });
    const none = await request(app).get('/whoami').expect(200);
    expect(whoamiResponseSchema.parse(none.body)).toEqual({
      auth_required: true,
      public_reads: false,
      name: null,
      scope: null,
      grid_searches: null,
    });
    const walt = await request(app).get('/whoami').set(bearer('writer-token')).expect(200);
    expect(walt.body).toEqual({
      auth_required: true,
      public_reads: false,
      name: 'walt',
      scope: 'write',
      grid_searches: ['2024-*'],
    });
    expect((await request(app).get('/whoami').set(bearer('nope'))).body.scope).toBeNull();
    const open = (await testApp()).app;
    expect((await request(open).get('/whoami').expect(200)).body).toMatchObject({
      auth_required: false,
      scope: 'admin',
    });
  });

  it('lists only the grid searches a token may read; another one is 403 on every route', async () => {
    const { app, root } = await testApp({ access: team() });
    for (const gs of [GS, OTHER]) mkdirSync(join(root, gs, '0'), { recursive: true });
    const all = await request(app).get('/grid_searches').set(bearer('reader-token')).expect(200);
    expect(all.body.map((g: { grid_search_id: string }) => g.grid_search_id)).toEqual([GS, OTHER]);
    const limited = await request(app).get('/grid_searches').set(bearer('writer-token')).expect(200);
    expect(limited.body.map((g: { grid_search_id: string }) => g.grid_search_id)).toEqual([GS]);
    const refused = await request(app).get(`/grid_searches/${OTHER}/experiments`).set(bearer('writer-token'));
    expect(refused.status).toBe(403);
    expect(authErrorBodySchema.parse(refused.body)).toEqual({
      code: 'AUTH_FORBIDDEN',
      message: `the token "walt" is limited to the grid searches 2024-*; ${OTHER} is not one of them`,
    });
  });

  it('deleting a single checkpoint file needs admin; nothing is removed on refusal', async () => {
    const { app, root } = await testApp({ access: team() });
    await request(app)
      .put(`/checkpoints/${GS}/0/1/model.bin`)
      .set(bearer('writer-token'))
      .send(Buffer.from('weights'))
      .expect(200);
    const refused = await request(app).delete(`/checkpoints/${GS}/0/1/model.bin`).set(bearer('writer-token'));
    expect([refused.status, refused.body.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    expect(refused.body.message).toContain('needs admin');
    expect(existsSync(join(root, GS, '0', '1', 'model.bin'))).toBe(true);
    await request(app).delete(`/checkpoints/${GS}/0/1/model.bin`).set(bearer('admin-token')).expect(200);
    expect(existsSync(join(root, GS, '0', '1', 'model.bin'))).toBe(false);
  });

  it("answers an allowed origin's preflight with the Authorization header allowed", async () => {
    const { app } = await testApp({ access: team(), corsAllowedOrigins: ['http://127.0.0.1:8080'] });
    const res = await request(app)
      .options('/grid_searches')
      .set('Origin', 'http://127.0.0.1:8080')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    expect(res.headers['access-control-allow-headers']).toMatch(/\bAuthorization\b/);
    const ok = await request(app)
      .get('/grid_searches')
      .set('Origin', 'http://127.0.0.1:8080')
      .set(bearer('reader-token'));
    expect(ok.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080');
  });
});

describe('DNS rebinding: the Host must name this server', () => {
  it('a token-less PUT from a rebound name is refused and stores nothing (no tokens configured)', async () => {
    const { app, root } = await testApp();
    const res = await request(app)
      .put(`/grid_searches/${GS}/run_config.yml`)
      .set('Host', 'evil.example')
      .set('Origin', 'http://evil.example')
      .send({ file_format: 'YAML', content: 'a: 1' });
    expect(res.status).toBe(403);
    expect(authErrorBodySchema.parse(res.body).code).toBe('HOST_NOT_ALLOWED');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(existsSync(join(root, GS))).toBe(false);
    for (const path of ['/grid_searches', '/whoami', '/openapi.json']) {
      expect((await request(app).get(path).set('Host', 'evil.example:5001')).status, path).toBe(403);
    }
    // A valid token does not make a rebound page safe either.
    const { app: guarded } = await testApp({ authToken: 't' });
    expect((await request(guarded).get('/grid_searches').set('Host', 'evil.example').set(bearer('t'))).status).toBe(
      403,
    );
  });

  it('serves loopback names, IP addresses, the bound host and --allowed_hosts', async () => {
    const { app } = await testApp({ host: 'gpu-box.lan', allowedHosts: ['.team.example'] });
    for (const host of [
      'localhost:5001',
      '127.0.0.1:5001',
      '[::1]:5001',
      '192.168.1.20:5001',
      'gpu-box.lan:5001',
      'board.team.example',
    ])
      expect((await request(app).get('/grid_searches').set('Host', host)).status, host).toBe(200);
    expect((await request(app).get('/grid_searches').set('Host', 'gpu-box')).status).toBe(403);
  });
});
