import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from './testApp.js';

const GS = '2023-06-03--10-26-58';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

function outsideFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-outside-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}
function binary(
  res: NodeJS.ReadableStream & { setEncoding(e: string): void },
  callback: (e: Error | null, b: Buffer) => void,
) {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => callback(null, Buffer.concat(parts)));
}
async function listen(app: Awaited<ReturnType<typeof testApp>>['app']): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  cleanup.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('symlinks inside the store lead nowhere', () => {
  it('reads refuse linked configs, system info, digests, chunk metadata, checkpoints and logs', async () => {
    const { app, root } = await testApp({ log: () => undefined });
    const secret = outsideFile('secret.json', '{"secret":"outside-token"}');
    const exp = join(root, GS, '0');
    mkdirSync(join(exp, '1', '.chunks-model.bin'), { recursive: true });
    for (const name of ['experiment_config.json', 'system_info.json', 'model_summary.json'])
      symlinkSync(secret, join(exp, name));
    symlinkSync(secret, join(root, GS, 'run_config.yml'));
    symlinkSync(secret, join(root, GS, 'event_storage.log'));
    writeFileSync(join(exp, '1', 'real.bin'), 'real bytes');
    symlinkSync(outsideFile('digest', 'outside-token 10\n'), join(exp, '1', '.real.bin.sha256'));
    symlinkSync(secret, join(exp, '1', 'linked.bin'));
    symlinkSync(secret, join(exp, '1', '.chunks-model.bin', 'meta.json'));
    mkdirSync(join(root, GS, '1'));
    writeFileSync(join(root, GS, '1', 'experiment_config.json'), '{"ok":true}');
    symlinkSync(secret, join(root, GS, '1', 'system_info.json'));

    const responses = await Promise.all(
      [
        `/grid_searches/${GS}/experiments`,
        `/grid_searches/${GS}/run_config`,
        `/grid_searches/${GS}/0/experiment_config`,
        `/system-info/${GS}/0`,
        `/model-card/${GS}/0`,
        `/model-card/${GS}/1`,
        `/checkpoints/${GS}/0/1/real.bin`,
        `/checkpoints/${GS}/0/1/linked.bin`,
        `/checkpoints/${GS}/0/1/model.bin/chunks`,
        `/metrics/${GS}/0`,
      ].map((url) => request(app).get(url).buffer(true).parse(binary)),
    );
    for (const res of responses) {
      expect(res.status).not.toBe(500);
      expect((res.body as Buffer).toString()).not.toContain('outside-token');
      expect(JSON.stringify(res.headers)).not.toContain('outside-token');
    }
    expect(JSON.parse((responses[0]!.body as Buffer).toString())).toEqual([
      { experiment_id: 1, last_checkpoint_id: -1, experiment_config: { ok: true } },
    ]);
    expect((responses[6]!.body as Buffer).toString()).toBe('real bytes');
    expect(responses[6]!.headers['x-checksum-sha256']).toBeUndefined();
  });

  it('writes never follow a linked chunk folder, partial file or config', async () => {
    const { app, root } = await testApp();
    const outside = mkdtempSync(join(tmpdir(), 'mlgym-outside-'));
    mkdirSync(join(root, GS, '0', '1'), { recursive: true });
    symlinkSync(outside, join(root, GS, '0', '1', '.chunks-evil.bin'));
    await request(app)
      .put(`/checkpoints/${GS}/0/1/evil.bin/chunks/0?num_chunks=2&chunk_size=4`)
      .send(Buffer.from('abcd'))
      .expect(400);
    expect(readdirSync(outside)).toEqual([]);

    const victim = outsideFile('victim.bin', 'precious bytes');
    mkdirSync(join(root, GS, '0', '2', '.chunks-x.bin'), { recursive: true });
    symlinkSync(victim, join(root, GS, '0', '2', '.chunks-x.bin', 'data'));
    const res = await request(app)
      .put(`/checkpoints/${GS}/0/2/x.bin/chunks/0?num_chunks=2&chunk_size=4`)
      .send(Buffer.from('EVIL'));
    expect(res.status).toBe(400);
    expect(readFileSync(victim, 'utf8')).toBe('precious bytes');

    const config = outsideFile('config.yml', 'outside: 1\n');
    symlinkSync(config, join(root, GS, 'grid_search_config.yml'));
    const put = await request(app)
      .put(`/grid_searches/${GS}/grid_search_config.yml`)
      .send({ file_format: 'YAML', content: 'mine: 1\n' });
    expect(put.status).toBe(400);
    expect(readFileSync(config, 'utf8')).toBe('outside: 1\n');
    expect(readdirSync(join(config, '..'))).toEqual(['config.yml']);
  });
});

describe('config names come from a closed list', () => {
  it('refuses server-owned names and keeps the log, the lock and checkpoints intact', async () => {
    const { app, root } = await testApp();
    mkdirSync(join(root, GS));
    writeFileSync(join(root, GS, 'event_storage.log'), '{"a":1}\n');
    const body = { file_format: 'YAML', content: 'x' };
    for (const name of ['event_storage.log', 'event_storage.log.lock', 'publishers.log', 'experiments', '5', '0']) {
      const res = await request(app).put(`/grid_searches/${GS}/${name}`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/config name/);
    }
    for (const name of ['model_card.json', '.model_card.fingerprint', '7']) {
      expect((await request(app).put(`/grid_searches/${GS}/5/${name}`).send(body)).status).toBe(400);
    }
    expect(readFileSync(join(root, GS, 'event_storage.log'), 'utf8')).toBe('{"a":1}\n');
    expect(existsSync(join(root, GS, 'event_storage.log.lock'))).toBe(false);
    await request(app).put(`/checkpoints/${GS}/5/0/model.bin`).send(Buffer.from('weights')).expect(200);
    await request(app).put(`/grid_searches/${GS}/notes.yml`).send({ file_format: 'YAML', content: 'n: 1' }).expect(200);
    expect(readFileSync(join(root, GS, 'configs', 'notes.yml'), 'utf8')).toBe('n: 1');
    expect((await request(app).get(`/grid_searches/${GS}/notes`).expect(200)).text).toBe('n: 1');
    await request(app).put(`/grid_searches/${GS}/run_config.yml`).send(body).expect(200);
    expect(readFileSync(join(root, GS, 'run_config.yml'), 'utf8')).toBe('x');
  });
});

describe('concurrent writes to one checkpoint', () => {
  it("concurrent PUTs leave one writer's bytes with their digest; GETs meanwhile always match their digest", async () => {
    const { app, root } = await testApp();
    const base = await listen(app);
    const url = `${base}/checkpoints/${GS}/0/0/model.bin`;
    const file = join(root, GS, '0', '0', 'model.bin');
    let mismatches = 0;
    let gets = 0;
    for (let round = 0; round < 40; round++) {
      const bodies = Array.from({ length: 4 }, () => randomBytes(64 * 1024 + Math.floor(Math.random() * 4096)));
      const reads = Array.from({ length: 3 }, async () => {
        const res = await fetch(url);
        if (res.status !== 200) return;
        const bytes = Buffer.from(await res.arrayBuffer());
        gets++;
        if (res.headers.get('x-checksum-sha256') !== sha(bytes)) mismatches++;
      });
      await Promise.all([...bodies.map((b) => fetch(url, { method: 'PUT', body: b })), ...reads]);
      const stored = readFileSync(file);
      expect(bodies.some((b) => b.equals(stored))).toBe(true);
      const record = readFileSync(join(root, GS, '0', '0', '.model.bin.sha256'), 'utf8').split('\n')[0]!;
      expect(record.split(' ')[0]).toBe(sha(stored));
    }
    expect(gets).toBeGreaterThan(0);
    expect(mismatches).toBe(0);
  });

  it('interleaved chunked uploads never store a mix: with declared digests the first is stored whole and the other refused; without, the mixed session is dropped until one resumes alone', async () => {
    const { app, root } = await testApp();
    const base = await listen(app);
    const put = (epoch: number, chunk: number, bytes: Buffer, declare: boolean) =>
      fetch(
        `${base}/checkpoints/${GS}/0/${epoch}/model.bin/chunks/${chunk}?num_chunks=3&chunk_size=1000${declare ? `&sha256=${sha(bytes)}` : ''}`,
        { method: 'PUT', body: bytes.subarray(chunk * 1000, chunk * 1000 + 1000) },
      );
    // Each case into a checkpoint of its own; chunk by chunk, the first upload then the second.
    for (const [epoch, declare] of [
      [3, true],
      [5, false],
    ] as const) {
      const file = join(root, GS, '0', String(epoch), 'model.bin');
      const uploads = [randomBytes(3000), randomBytes(3000)];
      const statuses: number[][] = [[], []];
      const answers: Array<{ complete?: boolean }> = [];
      for (let chunk = 0; chunk < 3; chunk++) {
        for (const [u, bytes] of uploads.entries()) {
          const res = await put(epoch, chunk, bytes, declare);
          statuses[u]!.push(res.status);
          if (u === 0) answers.push((await res.json()) as { complete?: boolean });
        }
      }
      // Each chunk of the second upload that arrives while the first is in progress is refused (with a digest, its
      // last chunk comes after the first upload completed: it starts a session of its own).
      expect(statuses, `sha256 declared: ${declare}`).toEqual([
        [200, 200, 200],
        [409, 409, declare ? 200 : 409],
      ]);
      if (declare) {
        // The declared digest names the session: the first upload kept it and was stored whole.
        expect(answers.map((a) => a.complete)).toEqual([false, false, true]);
        expect(readFileSync(file).equals(uploads[0]!)).toBe(true);
      } else {
        // Without one, the server cannot tell whose earlier chunks it holds: each refusal drops the session, the
        // first uploader's answers say it is incomplete, and nothing is stored; resumed alone, it is stored whole.
        expect(answers.map((a) => a.complete)).toEqual([false, false, false]);
        expect(existsSync(file)).toBe(false);
        const state = await fetch(`${base}/checkpoints/${GS}/0/${epoch}/model.bin/chunks`);
        const have = state.status === 200 ? ((await state.json()) as { received: number[] }).received : [];
        for (const chunk of [0, 1, 2].filter((c) => !have.includes(c)))
          expect((await put(epoch, chunk, uploads[0]!, false)).status).toBe(200);
        expect(readFileSync(file).equals(uploads[0]!)).toBe(true);
      }
    }
    // Alone, an upload goes through.
    const bytes = randomBytes(3000);
    for (let chunk = 0; chunk < 3; chunk++) {
      const res = await fetch(`${base}/checkpoints/${GS}/0/4/model.bin/chunks/${chunk}?num_chunks=3&chunk_size=1000`, {
        method: 'PUT',
        body: bytes.subarray(chunk * 1000, chunk * 1000 + 1000),
      });
      expect(res.status).toBe(200);
    }
    expect(readFileSync(join(root, GS, '0', '4', 'model.bin')).equals(bytes)).toBe(true);
  });
});

describe('upload digests are checked', () => {
  it('refuses a wrong X-Checksum-Sha256, Repr-Digest or Content-Digest with 400 and stores nothing', async () => {
    const { app, root } = await testApp();
    const bytes = randomBytes(5000);
    const wrong = sha(Buffer.from('something else'));
    const dir = join(root, GS, '0', '0');
    const cases: Array<[string, string]> = [
      ['X-Checksum-Sha256', wrong],
      ['X-Checksum-Sha256', b64(wrong)],
      ['Repr-Digest', `sha-256=:${b64(wrong)}:`],
      ['Content-Digest', `sha-256=:${b64(wrong)}:`],
      ['Content-Digest', `sha-512=:${createHash('sha512').update('x').digest('base64')}:`],
      ['Repr-Digest', 'garbage'],
    ];
    for (const [header, value] of cases) {
      const res = await request(app).put(`/checkpoints/${GS}/0/0/model.bin`).set(header, value).send(bytes);
      expect(res.status).toBe(400);
      const multipart = await request(app)
        .post(`/checkpoints/${GS}/0/0`)
        .set(header, value)
        .attach('checkpoint_file', bytes, 'model.bin');
      expect(multipart.status).toBe(400);
      const chunk = await request(app)
        .put(`/checkpoints/${GS}/0/0/model.bin/chunks/0?num_chunks=1`)
        .set(header, value)
        .send(bytes);
      expect(chunk.status).toBe(400);
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    }
    const right = sha(bytes);
    await request(app)
      .put(`/checkpoints/${GS}/0/0/model.bin`)
      .set('X-Checksum-Sha256', right)
      .set('Repr-Digest', `sha-256=:${b64(right)}:`)
      .set('Content-Digest', `sha-512=:${createHash('sha512').update(bytes).digest('base64')}:`)
      .send(bytes)
      .expect(200);
    expect(readFileSync(join(dir, 'model.bin')).equals(bytes)).toBe(true);
  });

  it('a lone last chunk takes the space of its bytes, not of the announced total', async () => {
    const { app, root } = await testApp();
    await request(app)
      .put(`/checkpoints/${GS}/0/0/model.bin/chunks/9?num_chunks=10&chunk_size=${5 * 1024 * 1024}`)
      .send(Buffer.from('x'))
      .expect(200);
    const dir = join(root, GS, '0', '0', '.chunks-model.bin');
    const apparent = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(apparent).toBeLessThan(4096);
  });
});

describe('browser origins', () => {
  it('refuses writes from a page on another origin (no preflight protects a multipart POST)', async () => {
    const { app, root } = await testApp({ corsAllowedOrigins: ['http://127.0.0.1:8080'] });
    const evil = await request(app)
      .post(`/checkpoints/${GS}/0/0`)
      .set('Origin', 'http://evil.example')
      .attach('checkpoint_file', Buffer.from('x'), 'model.bin');
    expect(evil.status).toBe(403);
    expect(existsSync(join(root, GS))).toBe(false);
    await request(app)
      .post(`/checkpoints/${GS}/0/0`)
      .set('Origin', 'http://127.0.0.1:8080')
      .attach('checkpoint_file', Buffer.from('x'), 'model.bin')
      .expect(200);
    await request(app)
      .post(`/checkpoints/${GS}/0/1`)
      .attach('checkpoint_file', Buffer.from('x'), 'model.bin')
      .expect(200);
  });
});
