import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import { authErrorBodySchema, whoamiResponseSchema } from '@mlgym/protocol';
import type { AuthErrorBody, JoinAck, MlgymEventMessage, PublishAck } from '@mlgym/protocol';
import { createAccessControl, hashToken } from '@mlgym/server-security';
import type { AccessControlOptions } from '@mlgym/server-security';
import { selfSignedCertificate } from '@mlgym/server-security/testing';
import { createWsEndpoint } from './createWsEndpoint.js';
import type { WsEndpointOptions } from './createWsEndpoint.js';

const GS = '2024-06-01--12-00-00';
const OTHER = '2023-01-01--00-00-00';
const TOKENS = [
  'reader-token read name=rita',
  `${hashToken('writer-token')} write name=walt grid_searches=2024-*`,
  'admin-token admin name=ada',
].join('\n');

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function tokensFile(text = TOKENS): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mlgym-ws-tokens-')), 'tokens.txt');
  writeFileSync(file, text);
  return file;
}

async function server(accessOptions: AccessControlOptions = {}, options: Partial<WsEndpointOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-ws-auth-'));
  const storage = new FileEventStorage(root);
  const access = createAccessControl({ tokensFile: tokensFile(), ...accessOptions });
  const endpoint = createWsEndpoint({ storage, access, corsAllowedOrigins: ['http://127.0.0.1:8080'], ...options });
  const port = await endpoint.listen(0);
  cleanup.push(async () => {
    await endpoint.close();
    await storage.close();
    access.close();
  });
  const scheme = options.tls ? 'https' : 'http';
  return { root, storage, endpoint, access, url: `${scheme}://127.0.0.1:${port}`, port };
}

function client(url: string, token?: string, opts: Partial<ManagerOptions & SocketOptions> = {}): Socket {
  const socket = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(token === undefined ? {} : { auth: { token } }),
    ...opts,
  });
  cleanup.push(() => {
    socket.close();
  });
  return socket;
}

/** Resolves when connected; rejects with the `connect_error` (its `data` is the refusal). */
function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

async function refusedHandshake(socket: Socket): Promise<AuthErrorBody & { text: string }> {
  const error = (await connected(socket).then(
    () => {
      throw new Error('the handshake was accepted');
    },
    (e: unknown) => e,
  )) as Error & { data?: unknown };
  return { ...authErrorBodySchema.parse(error.data), text: error.message };
}

const emitAck = <T>(socket: Socket, name: string, payload: unknown, ms = 5000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement of ${name} within ${ms} ms`)), ms);
    socket.emit(name, payload, (r: T) => {
      clearTimeout(timer);
      resolve(r);
    });
  });

const jobStatus = (i: number, gs = GS) => ({
  event_type: 'job_status',
  creation_ts: i,
  payload: {
    job_id: i,
    job_type: 1,
    status: 'RUNNING',
    grid_search_id: gs,
    experiment_id: i,
    starting_time: 0,
    finishing_time: 0,
    error: null,
    stacktrace: null,
  },
});
const evaluation = (gs: string, metrics: string[]) => ({
  event_type: 'evaluation_result',
  creation_ts: 1,
  payload: {
    grid_search_id: gs,
    experiment_id: 0,
    epoch: 0,
    metric_scores: metrics.map((metric) => ({ metric, split: 'val', score: 0.5 })),
    loss_scores: [],
  },
});

/** A GET with headers fetch() will not send (Host), answering status, headers and the parsed JSON body. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: unknown }>((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the socket.io handshake with tokens', () => {
  it('refuses a missing, empty or unknown token with a coded connect_error; a valid one connects', async () => {
    const { url } = await server();
    expect(await refusedHandshake(client(url))).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(await refusedHandshake(client(url, ''))).toMatchObject({ code: 'AUTH_REQUIRED' });
    const invalid = await refusedHandshake(client(url, 'stolen?'));
    expect(invalid.code).toBe('AUTH_INVALID');
    expect(invalid.text).toBe(invalid.message);
    await connected(client(url, 'reader-token'));
    // The hashed line's token, and an Authorization header (for clients that cannot set `auth`).
    await connected(client(url, 'writer-token'));
    await connected(client(url, undefined, { extraHeaders: { Authorization: 'Bearer admin-token' } }));
  });

  it('refuses a Host that is not a name of this server (DNS rebinding) before anything else', async () => {
    const { url, port } = await server({ tokensFile: undefined });
    const rebound = client(url, undefined, {
      extraHeaders: { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` },
    });
    const refusal = await refusedHandshake(rebound);
    expect(refusal.code).toBe('HOST_NOT_ALLOWED');
    expect(refusal.message).toContain('evil.example');
    await connected(client(url, undefined, { extraHeaders: { Host: `localhost:${port}` } }));
  });

  it('serves the rebound name once --allowed_hosts lists it', async () => {
    const { url, port } = await server({ tokensFile: undefined }, { allowedHosts: ['board.example.org'] });
    await connected(client(url, undefined, { extraHeaders: { Host: `board.example.org:${port}` } }));
    const res = await rawGet(`${url}/whoami`, { Host: 'evil.example' });
    expect(res.status).toBe(403);
    expect(authErrorBodySchema.parse(res.body).code).toBe('HOST_NOT_ALLOWED');
    expect((await rawGet(`${url}/whoami`, { Host: `board.example.org:${port}` })).status).toBe(200);
  });
});

describe('messages check the scope and the grid search of the token', () => {
  it('a read token joins and replays, may not publish; nothing it sends is stored', async () => {
    const { url, root } = await server();
    const admin = client(url, 'admin-token');
    await emitAck(admin, 'mlgym_events', { publisher_id: 'a', first_seq: 0, events: [jobStatus(0)] });
    const reader = client(url, 'reader-token');
    const received: MlgymEventMessage[] = [];
    reader.on('mlgym_event', (m: MlgymEventMessage) => received.push(m));
    expect(await emitAck<JoinAck>(reader, 'join', { rooms: [GS] })).toEqual({ ok: true });
    await until(() => received.length === 1);

    const errors: AuthErrorBody[] = [];
    reader.on('mlgym_error', (e: AuthErrorBody) => errors.push(e));
    const single = await emitAck<PublishAck>(reader, 'mlgym_event', jobStatus(1, OTHER));
    expect(single).toEqual({
      ok: false,
      code: 'AUTH_FORBIDDEN',
      message: 'the token "rita" has the read scope; to publish events it needs write',
    });
    // Refused by scope before the batch is even read: junk gets the same answer.
    for (const batch of [{ publisher_id: 'r', first_seq: 0, events: [jobStatus(2, OTHER)] }, 'junk']) {
      expect(await emitAck<PublishAck>(reader, 'mlgym_events', batch)).toMatchObject({
        ok: false,
        code: 'AUTH_FORBIDDEN',
      });
    }
    expect(errors.map((e) => e.code)).toEqual(['AUTH_FORBIDDEN', 'AUTH_FORBIDDEN', 'AUTH_FORBIDDEN']);
    expect(existsSync(join(root, OTHER))).toBe(false);
    expect(received).toHaveLength(1);
  });

  it('a token limited to grid search patterns reads and writes only those; listings show only those', async () => {
    const { url, root, storage } = await server();
    const admin = client(url, 'admin-token');
    await emitAck(admin, 'mlgym_events', { publisher_id: 'a', first_seq: 0, events: [jobStatus(0, OTHER)] });
    const writer = client(url, 'writer-token');
    expect(
      await emitAck<PublishAck>(writer, 'mlgym_events', { publisher_id: 'w', first_seq: 0, events: [jobStatus(0)] }),
    ).toMatchObject({ ok: true, event_ids: [0] });
    const refused = await emitAck<PublishAck>(writer, 'mlgym_events', {
      publisher_id: 'w2',
      first_seq: 0,
      events: [jobStatus(1, OTHER)],
    });
    expect(refused).toEqual({
      ok: false,
      code: 'AUTH_FORBIDDEN',
      message: `the token "walt" is limited to the grid searches 2024-*; ${OTHER} is not one of them`,
    });
    expect((await storage.log(OTHER)).length).toBe(1);
    expect(existsSync(join(root, OTHER, 'event_storage.log'))).toBe(true);

    const received: MlgymEventMessage[] = [];
    writer.on('mlgym_event', (m: MlgymEventMessage) => received.push(m));
    const join_ = await emitAck<JoinAck>(writer, 'join', { rooms: [GS, OTHER] });
    expect(join_).toMatchObject({ ok: false, code: 'AUTH_FORBIDDEN' });
    expect(join_.message).toContain(OTHER);
    const list = await new Promise<Array<{ grid_search_id: string }>>((r) => writer.emit('list_grid_searches', r));
    expect(list.map((g) => g.grid_search_id)).toEqual([GS]);
    // Live events of the forbidden room never reach it; those of its own do.
    await emitAck(admin, 'mlgym_events', { publisher_id: 'a', first_seq: 1, events: [jobStatus(2, OTHER)] });
    await emitAck(admin, 'mlgym_events', { publisher_id: 'a2', first_seq: 0, events: [jobStatus(3)] });
    await until(() => received.some((m) => JSON.stringify(m).includes('"creation_ts":3')));
    expect(JSON.stringify(received)).not.toContain(OTHER);
  });

  it('--public_reads: a connection without a token follows runs but may not publish', async () => {
    const { url } = await server({ publicReads: true });
    const viewer = client(url);
    await connected(viewer);
    expect(await emitAck<JoinAck>(viewer, 'join', { rooms: [GS] })).toEqual({ ok: true });
    expect(await emitAck<PublishAck>(viewer, 'mlgym_event', jobStatus(0))).toMatchObject({
      ok: false,
      code: 'AUTH_REQUIRED',
    });
    expect(await refusedHandshake(client(url, 'wrong'))).toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('a token removed from the file closes its connections; a narrowed one leaves the rooms it lost', async () => {
    const file = tokensFile();
    const { url, access } = await server({ tokensFile: file });
    const reader = client(url, 'reader-token');
    const writer = client(url, 'writer-token');
    await emitAck(reader, 'join', { rooms: [GS] });
    await emitAck(writer, 'join', { rooms: [GS] });
    const errors: AuthErrorBody[] = [];
    writer.on('mlgym_error', (e: AuthErrorBody) => errors.push(e));
    const closed = new Promise<void>((r) => reader.once('disconnect', () => r()));
    writeFileSync(file, `${hashToken('writer-token')} write name=walt grid_searches=2025-*\nadmin-token admin\n`);
    await closed;
    await until(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ code: 'AUTH_FORBIDDEN' });
    expect(access.check('reader-token', 'read').ok).toBe(false);
    // It no longer receives the room's live events.
    const received: unknown[] = [];
    writer.on('mlgym_event', (m: unknown) => received.push(m));
    const admin = client(url, 'admin-token');
    await emitAck(admin, 'join', { rooms: [GS] });
    const seen: unknown[] = [];
    admin.on('mlgym_event', (m: unknown) => seen.push(m));
    await emitAck(admin, 'mlgym_events', { publisher_id: 'a', first_seq: 0, events: [jobStatus(0)] });
    await until(() => seen.length === 1);
    expect(received).toEqual([]);
  });
});

describe('HTTP routes of the websocket endpoint', () => {
  it('GET /history needs a token with read on that grid search; refusals are the contract JSON', async () => {
    const { url } = await server();
    const admin = client(url, 'admin-token');
    await emitAck(admin, 'mlgym_events', { publisher_id: 'a', first_seq: 0, events: [jobStatus(0, OTHER)] });
    const get = (path: string, token?: string) =>
      fetch(`${url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    const none = await get(`/history/${OTHER}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(authErrorBodySchema.parse(await none.json()).code).toBe('AUTH_REQUIRED');
    const wrong = await get(`/history/${OTHER}`, 'nope');
    expect([wrong.status, authErrorBodySchema.parse(await wrong.json()).code]).toEqual([401, 'AUTH_INVALID']);
    const limited = await get(`/history/${OTHER}`, 'writer-token');
    expect([limited.status, authErrorBodySchema.parse(await limited.json()).code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const ok = await get(`/history/${OTHER}`, 'reader-token');
    expect(ok.status).toBe(200);
    expect(JSON.parse((await ok.text()).trim())).toEqual(jobStatus(0, OTHER));
    // Nothing is served without a token, not even whether a path exists.
    expect((await get('/elsewhere')).status).toBe(401);
  });

  it('GET /whoami answers for the token sent, never refusing for lack of one', async () => {
    const { url } = await server();
    const whoami = async (token?: string) => {
      const res = await fetch(`${url}/whoami`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      expect(res.status).toBe(200);
      return whoamiResponseSchema.parse(await res.json());
    };
    expect(await whoami()).toEqual({
      auth_required: true,
      public_reads: false,
      name: null,
      scope: null,
      grid_searches: null,
    });
    expect(await whoami('bad')).toMatchObject({ scope: null });
    expect(await whoami('writer-token')).toEqual({
      auth_required: true,
      public_reads: false,
      name: 'walt',
      scope: 'write',
      grid_searches: ['2024-*'],
    });
    const open = await server({ tokensFile: undefined });
    const res = await fetch(`${open.url}/whoami`);
    expect(whoamiResponseSchema.parse(await res.json())).toMatchObject({ auth_required: false, scope: 'admin' });
  });

  it("answers an allowed origin's preflight allowing the Authorization header; others get 403", async () => {
    const { url } = await server();
    const preflight = await fetch(`${url}/history/${GS}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:8080',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    const evil = await fetch(`${url}/whoami`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
  });

  it('a rebound Host gets 403 HOST_NOT_ALLOWED on /history and /whoami, with no CORS answer for its origin', async () => {
    const { url } = await server({ tokensFile: undefined });
    for (const path of [`/history/${GS}`, '/whoami']) {
      const res = await rawGet(`${url}${path}`, { Host: 'evil.example', Origin: 'http://evil.example' });
      expect(res.status, path).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(authErrorBodySchema.parse(res.body).code).toBe('HOST_NOT_ALLOWED');
    }
  });
});

describe('TLS', () => {
  it('serves socket.io (wss) and the HTTP routes over https with --tls_cert/--tls_key', async () => {
    const tls = selfSignedCertificate();
    const { url } = await server({}, { tls });
    expect(url.startsWith('https://')).toBe(true);
    const socket = client(url, 'reader-token', { ca: tls.cert.toString() } as Partial<ManagerOptions>);
    await connected(socket);
    expect(await emitAck<JoinAck>(socket, 'join', { rooms: [GS] })).toEqual({ ok: true });
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        `${url}/whoami`,
        { ca: tls.cert, headers: { Authorization: 'Bearer reader-token' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(whoamiResponseSchema.parse(JSON.parse(body))).toMatchObject({ name: 'rita', scope: 'read' });
    // A client that does not trust the certificate is not served.
    const untrusted = client(url, 'reader-token');
    await expect(connected(untrusted)).rejects.toThrow();
  });
});

describe('distinct keys per grid search', () => {
  it('refuses a batch that would pass the bound, with the bound in the message; all else is kept', async () => {
    const { url, storage } = await server({ tokensFile: undefined }, { maxKeysPerGridSearch: 50 });
    const publisher = client(url);
    const ok = await emitAck<PublishAck>(publisher, 'mlgym_events', {
      publisher_id: 'p',
      first_seq: 0,
      events: [evaluation(GS, ['acc', 'f1']), jobStatus(1)],
    });
    expect(ok.ok).toBe(true);
    const flood = Array.from({ length: 5 }, (_, i) =>
      evaluation(
        GS,
        Array.from({ length: 20 }, (_, j) => `m${i}_${j}`),
      ),
    );
    const refused = await emitAck<PublishAck>(publisher, 'mlgym_events', {
      publisher_id: 'h',
      first_seq: 0,
      events: flood,
    });
    expect(refused).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
    expect(!refused.ok && refused.message).toMatch(/102 distinct metric, loss and config keys.*at most 50/);
    // Keys already there cost nothing; another grid search has its own bound.
    expect((await emitAck<PublishAck>(publisher, 'mlgym_event', evaluation(GS, ['acc']))).ok).toBe(true);
    expect(
      (
        await emitAck<PublishAck>(publisher, 'mlgym_events', {
          publisher_id: 'h',
          first_seq: 0,
          events: flood.slice(0, 2),
        })
      ).ok,
    ).toBe(true);
    expect((await storage.log(GS)).length).toBe(5);
  });

  it('counts the keys of a log stored before the server started', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-ws-keys-'));
    const before = new FileEventStorage(root);
    await (
      await before.log(GS)
    ).append([
      evaluation(
        GS,
        Array.from({ length: 40 }, (_, j) => `old${j}`),
      ),
    ]);
    await before.close();
    const storage = new FileEventStorage(root);
    const endpoint = createWsEndpoint({ storage, maxKeysPerGridSearch: 50 });
    const port = await endpoint.listen(0);
    cleanup.push(async () => {
      await endpoint.close();
      await storage.close();
    });
    const publisher = client(`http://127.0.0.1:${port}`);
    const ten = evaluation(
      GS,
      Array.from({ length: 10 }, (_, j) => `new${j}`),
    );
    const eleven = evaluation(
      GS,
      Array.from({ length: 11 }, (_, j) => `more${j}`),
    );
    expect((await emitAck<PublishAck>(publisher, 'mlgym_event', ten)).ok).toBe(true);
    expect(await emitAck<PublishAck>(publisher, 'mlgym_event', eleven)).toMatchObject({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});
