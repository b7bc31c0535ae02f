import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import { AnnotationAnswerSchema, AnnotationConflictSchema } from '@mlgym/protocol';
import type { MlgymEventMessage } from '@mlgym/protocol';
import { createAccessControl, hashToken } from '@mlgym/server-security';
import { createWsEndpoint } from './createWsEndpoint.js';
import type { WsEndpointOptions } from './createWsEndpoint.js';

const GS = '2026-12-07--12-00-00';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const config = (i: number) => ({
  event_type: 'experiment_config',
  creation_ts: 1,
  payload: { grid_search_id: GS, experiment_id: i, job_id: i, config: { lr: i } },
});
const metrics = {
  event_type: 'system_metrics',
  creation_ts: 2,
  payload: {
    grid_search_id: GS,
    experiment_id: 0,
    time: 1_800_000_000,
    cpu_percent: 97.5,
    rss_bytes: 2e8,
    heap_used_bytes: 5e7,
    tensors: 40,
    tensor_bytes: 1e6,
    backend: 'wasm',
    threads: 2,
    load_1m: 1.5,
    free_memory_bytes: 8e9,
  },
};

async function server(options: Partial<WsEndpointOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-ws-annotate-'));
  const storage = new FileEventStorage(root);
  const log = await storage.log(GS);
  await log.append([config(0), config(1), metrics]);
  const endpoint = createWsEndpoint({ storage, ...options });
  const port = await endpoint.listen(0);
  cleanup.push(async () => {
    await endpoint.close();
    await storage.close();
  });
  return { root, url: `http://127.0.0.1:${port}` };
}

function client(url: string): Socket {
  const socket = connect(url, { transports: ['websocket'], forceNew: true });
  cleanup.push(() => void socket.close());
  return socket;
}

function received(socket: Socket) {
  const events: Array<{ event_id: number; data: { event_type: string } }> = [];
  socket.on('mlgym_event', (m: MlgymEventMessage) => {
    if (m.event_id === 'batched_events') events.push(...(m.data as typeof events));
    else events.push({ event_id: m.event_id, data: m.data as { event_type: string } });
  });
  return events;
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const join_ = (socket: Socket, request: object) => new Promise((r) => socket.emit('join', request, r));

async function annotate(url: string, body: unknown, headers: Record<string, string> = {}, gs = GS) {
  const res = await fetch(`${url}/annotations/${gs}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('POST /annotations/<grid search>', () => {
  it('stores an edit as an annotation event, broadcasts it, and answers what the experiment carries now', async () => {
    const { url, root } = await server();
    const board = client(url);
    const live = received(board);
    await join_(board, { rooms: [GS], event_types: 'all' });
    await until(() => live.length === 3);

    const answer = await annotate(url, { experiment_id: 1, add_tags: ['best', 'mnist'], author: 'alice' });
    expect(answer.status).toBe(200);
    const { event_id, target } = AnnotationAnswerSchema.parse(answer.body);
    expect(event_id).toBe(3);
    expect(target).toEqual({ tags: ['best', 'mnist'], note: null, replaced: null });
    await until(() => live.length === 4);
    expect(live[3]).toMatchObject({
      event_id: 3,
      data: {
        event_type: 'annotation',
        payload: { grid_search_id: GS, experiment_id: 1, add_tags: ['best', 'mnist'], author: 'alice' },
      },
    });
    const stored = readFileSync(join(root, GS, 'event_storage.log'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(JSON.parse(stored[3]!)).toEqual(live[3]!.data);

    const removed = await annotate(url, { experiment_id: 1, remove_tags: ['mnist'] });
    expect(AnnotationAnswerSchema.parse(removed.body).target.tags).toEqual(['best']);
  });

  it('refuses a note written over one its writer had not seen, with the current note, and stores nothing', async () => {
    const { url, root } = await server();
    const first = await annotate(url, {
      experiment_id: null,
      note: '# Sweep\nlr matters',
      note_base: null,
      author: 'alice',
    });
    const base = AnnotationAnswerSchema.parse(first.body).event_id;
    // bob and carol both edit alice's note; bob saves first
    const bob = await annotate(url, { experiment_id: null, note: 'bob was here', note_base: base, author: 'bob' });
    expect(bob.status).toBe(200);
    const carol = await annotate(url, { experiment_id: null, note: 'carol too', note_base: base, author: 'carol' });
    expect(carol.status).toBe(409);
    const conflict = AnnotationConflictSchema.parse(carol.body);
    expect(conflict.current).toMatchObject({ text: 'bob was here', author: 'bob' });
    expect(conflict.message).toMatch(/changed by bob/);
    const lines = readFileSync(join(root, GS, 'event_storage.log'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.join('\n')).not.toContain('carol too');
    // merged and saved against bob's revision, it is stored
    const merged = await annotate(url, {
      experiment_id: null,
      note: 'bob was here\ncarol too',
      note_base: conflict.current!.event_id,
      author: 'carol',
    });
    expect(AnnotationAnswerSchema.parse(merged.body).target.note?.text).toBe('bob was here\ncarol too');
    // tags never conflict: an edit without a note needs no base
    expect((await annotate(url, { experiment_id: null, add_tags: ['sweep'] })).status).toBe(200);
  });

  it('says what is wrong with a bad edit, an unknown experiment or grid search, and stores nothing', async () => {
    const { url, root } = await server();
    const bad = await annotate(url, { experiment_id: 0, add_tags: ['+best'] });
    expect(bad).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', message: expect.stringMatching(/add_tags.0/) },
    });
    expect((await annotate(url, { experiment_id: 0 })).status).toBe(400);
    const unknown = await annotate(url, { experiment_id: 7, add_tags: ['x'] });
    expect(unknown).toMatchObject({
      status: 404,
      body: { message: expect.stringMatching(/no experiment 7.*one of 0, 1/) },
    });
    expect((await annotate(url, { experiment_id: 0, add_tags: ['x'] }, {}, 'nothing-here')).status).toBe(404);
    const text = await fetch(`${url}/annotations/${GS}`, { method: 'POST', body: '{}' });
    expect(text.status).toBe(415);
    const huge = await annotate(url, { experiment_id: 0, note: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    const get = await fetch(`${url}/annotations/${GS}`);
    expect(get.status).toBe(405);
    expect(
      readFileSync(join(root, GS, 'event_storage.log'), 'utf8')
        .trimEnd()
        .split('\n'),
    ).toHaveLength(3);
  });

  it('needs a write token where the endpoint has tokens, and names its author after the token', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mlgym-ws-annotate-tokens-')), 'tokens.txt');
    writeFileSync(file, ['reader-token read name=rita', `${hashToken('writer-token')} write name=walt`].join('\n'));
    const access = createAccessControl({ tokensFile: file });
    cleanup.push(() => access.close());
    const { url } = await server({ access });
    const edit = { experiment_id: 0, add_tags: ['best'], author: 'somebody else' };
    expect((await annotate(url, edit)).status).toBe(401);
    expect((await annotate(url, edit, { authorization: 'Bearer reader-token' })).status).toBe(403);
    const ok = await annotate(url, { ...edit, note: 'hi', note_base: null }, { authorization: 'Bearer writer-token' });
    expect(ok.status).toBe(200);
    expect(AnnotationAnswerSchema.parse(ok.body).target.note?.author).toBe('walt');
  });

  it('lets an allowed board origin ask for POST with a token and JSON', async () => {
    const { url } = await server({ corsAllowedOrigins: ['http://127.0.0.1:8080'] });
    const preflight = await fetch(`${url}/annotations/${GS}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8080', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type/i);
    const foreign = await annotate(url, { experiment_id: 0, add_tags: ['x'] }, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
  });
});

describe('joins and event types', () => {
  it("sends a join in the original's shape only the original event types, replayed and live; others all", async () => {
    const { url } = await server();
    const original = client(url);
    const originalSeen = received(original);
    await join_(original, { rooms: [GS] });
    const ours = client(url);
    const oursSeen = received(ours);
    await join_(ours, { rooms: [GS], event_types: 'all' });
    await until(() => oursSeen.length === 3 && originalSeen.length === 2);
    expect(originalSeen.map((e) => e.data.event_type)).toEqual(['experiment_config', 'experiment_config']);

    await annotate(url, { experiment_id: 0, add_tags: ['best'] });
    const publisher = client(url);
    await new Promise((r) =>
      publisher.emit('mlgym_events', { publisher_id: 'p', first_seq: 0, events: [metrics, config(2)] }, r),
    );
    await until(() => oursSeen.length === 6 && originalSeen.length === 3);
    expect(oursSeen.map((e) => e.data.event_type)).toEqual([
      'experiment_config',
      'experiment_config',
      'system_metrics',
      'annotation',
      'system_metrics',
      'experiment_config',
    ]);
    // ids stay the log's: the original client's third event is line 5
    expect(originalSeen.map((e) => e.event_id)).toEqual([0, 1, 5]);
  });
});
