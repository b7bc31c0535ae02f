import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import type { FileEventStorageOptions } from '@mlgym/event-store';
import type { MlgymEventMessage, PublishAck } from '@mlgym/protocol';
import { expectWithin } from '../../../test/responsive.js';
import { createWsEndpoint } from './createWsEndpoint.js';
import type { WsEndpoint, WsEndpointOptions } from './createWsEndpoint.js';

const GS = '2023-06-03--10-26-58';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(options: Partial<WsEndpointOptions> = {}, storageOptions: FileEventStorageOptions = {}) {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-ws-adv-'));
  return serverOn(root, options, storageOptions);
}
async function serverOn(root: string, options: Partial<WsEndpointOptions> = {}, storageOptions = {}) {
  const storage = new FileEventStorage(root, storageOptions);
  const endpoint: WsEndpoint = createWsEndpoint({ storage, ...options });
  const port = await endpoint.listen(0);
  cleanup.push(async () => {
    await endpoint.close();
    await storage.close();
  });
  return { root, endpoint, url: `http://127.0.0.1:${port}` };
}
function client(url: string, opts: Partial<ManagerOptions & SocketOptions> = {}): Socket {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...opts });
  cleanup.push(() => {
    socket.close();
  });
  return socket;
}
const emitAck = <T>(socket: Socket, name: string, payload: unknown, ms = 5000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement of ${name} within ${ms} ms`)), ms);
    socket.emit(name, payload, (r: T) => {
      clearTimeout(timer);
      resolve(r);
    });
  });
/** A socket.io ping and its pong (rejects when none comes within 10 s). */
const pingPong = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no pong within 10 s')), 10_000);
    socket.once('pong', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.emit('ping');
  });
/** The server still answers a ping within 100 ms (tries that load delayed are repeated and counted). */
const answersPings = (socket: Socket) => expectWithin('ws endpoint ping', 100, () => pingPong(socket));
const connected = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
const jobStatus = (i: number, gs = GS, extra: Record<string, unknown> = {}) => ({
  event_type: 'job_status',
  creation_ts: 1685780818123456 + i,
  payload: {
    job_id: `${gs}-${i}`,
    job_type: 1,
    status: 'RUNNING',
    grid_search_id: gs,
    experiment_id: i,
    starting_time: 1,
    finishing_time: -1,
    error: null,
    stacktrace: null,
    ...extra,
  },
});
function collect(socket: Socket) {
  const events: Array<{ event_id: number; data: unknown }> = [];
  socket.on('mlgym_event', (m: MlgymEventMessage) => {
    if (m.event_id === 'batched_events') events.push(...(m.data as Array<{ event_id: number; data: unknown }>));
    else events.push({ event_id: m.event_id, data: m.data });
  });
  return events;
}
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
function deep(levels: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe('join cannot freeze the server', () => {
  const inherited = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(inherited)(
    'join {rooms: [%s], last_event_id: {}} is answered and the server keeps answering pings',
    async (room) => {
      const { url } = await server();
      const publisher = client(url);
      // `constructor`, `__proto__` etc. are valid grid search ids: give the room a history too.
      await emitAck(publisher, 'mlgym_event', jobStatus(0, room));
      const joiner = client(url);
      const got = collect(joiner);
      const ack = await emitAck<{ ok: boolean }>(joiner, 'join', { rooms: [room], last_event_id: {} }, 2000);
      expect(ack.ok).toBe(true);
      await answersPings(publisher);
      expect(got.map((e) => e.event_id)).toEqual([0]);
    },
  );

  it('refuses ids that are not safe integers and inherited keys in any position', async () => {
    const { url } = await server();
    const socket = client(url);
    const errors: Array<{ code: string }> = [];
    socket.on('mlgym_error', (e: { code: string }) => errors.push(e));
    const got = collect(socket);
    await emitAck(socket, 'mlgym_event', jobStatus(0));
    const notSafe = [1e300, -2, 0.5, Number.MAX_SAFE_INTEGER + 2, '3', { [GS]: 1e300 }, { [GS]: -2 }];
    for (const [i, last] of notSafe.entries()) {
      const ack = await emitAck<{ ok: boolean; message?: string }>(
        socket,
        'join',
        { rooms: [GS], last_event_id: last },
        2000,
      );
      expect(ack, JSON.stringify(last)).toEqual({ ok: false, message: expect.stringMatching(/^join expects \{rooms/) });
      await until(() => errors.length > i);
      expect(errors[i]).toMatchObject({ code: 'BAD_REQUEST' });
      await answersPings(socket);
    }
    // Refused: nothing was replayed and the room was not joined.
    expect(got).toEqual([]);
    // `__proto__` as an own key, and as a key whose value would be inherited by the room: neither gives the room
    // a last id, so the whole history (event 0) is replayed.
    for (const last of [{ ['__proto__']: 3 }, JSON.parse(`{"__proto__":{"${GS}":5}}`) as unknown]) {
      got.length = 0;
      const ack = await emitAck<{ ok: boolean }>(socket, 'join', { rooms: [GS], last_event_id: last }, 2000);
      expect(ack).toEqual({ ok: true });
      expect(got.map((e) => e.event_id)).toEqual([0]);
      await answersPings(socket);
    }
    expect(errors).toHaveLength(notSafe.length);
  });
});

describe('a deeply nested event cannot poison a room', () => {
  it('refuses it with a message, and later events keep their ids, content and history', async () => {
    const { url, root } = await server();
    const publisher = client(url);
    const errors: Array<{ code: string; message: string }> = [];
    publisher.on('mlgym_error', (e: { code: string; message: string }) => errors.push(e));
    const live = client(url);
    const liveEvents = collect(live);
    await emitAck(live, 'join', { rooms: [GS] });
    expect(await emitAck<PublishAck>(publisher, 'mlgym_event', jobStatus(0))).toMatchObject({ event_ids: [0] });
    // Sent as a raw socket.io packet: the client's own encoder recurses as deep as the server's.
    const engine = publisher.io.engine as unknown as { write(packet: string): void };
    engine.write(`2${JSON.stringify(['mlgym_event', jobStatus(1, GS, { extra: deep(4110) })])}`);
    await until(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ code: 'EVENT_INVALID', message: expect.stringMatching(/64 levels/) });
    for (let i = 2; i < 5; i++) {
      expect(await emitAck<PublishAck>(publisher, 'mlgym_event', jobStatus(i))).toMatchObject({ event_ids: [i - 1] });
    }
    const lines = readFileSync(join(root, GS, 'event_storage.log'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { payload: { experiment_id: number } }).payload.experiment_id)).toEqual([
      0, 2, 3, 4,
    ]);
    const late = client(url);
    const history = collect(late);
    expect(await emitAck(late, 'join', { rooms: [GS] })).toEqual({ ok: true });
    const byId = (events: typeof history) =>
      events.map((e) => [e.event_id, (e.data as { payload: { experiment_id: number } }).payload.experiment_id]);
    const replayed = byId(history);
    expect(replayed).toEqual([
      [0, 0],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    // The live subscriber got each broadcast: the same ids and contents as the replayed history.
    await until(() => liveEvents.length >= replayed.length);
    expect(byId(liveEvents)).toEqual(replayed);
  });

  it('still replays a room whose log holds such an event from before (it is left out, ids stay)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-ws-adv-'));
    mkdirSync(join(root, GS));
    const deepLine = JSON.stringify(jobStatus(1, GS, { extra: 'DEEP' })).replace(
      '"DEEP"',
      '['.repeat(4110) + ']'.repeat(4110),
    );
    const lines = [JSON.stringify(jobStatus(0)), deepLine, JSON.stringify(jobStatus(2))];
    writeFileSync(join(root, GS, 'event_storage.log'), lines.join('\n') + '\n');
    const { url } = await serverOn(root);
    const socket = client(url);
    const got = collect(socket);
    expect(await emitAck(socket, 'join', { rooms: [GS] })).toEqual({ ok: true });
    expect(got.map((e) => e.event_id)).toEqual([0, 2]);
    await answersPings(socket);
  });
});

describe('joining rooms costs nothing on disk and is bounded', () => {
  it('joining unknown rooms creates no folder or file and holds no descriptor; a joined room still goes live', async () => {
    const { url, root } = await server({ maxRoomsPerSocket: 300 });
    const socket = client(url);
    const fds = readdirSync('/proc/self/fd').length;
    for (let batch = 0; batch < 3; batch++) {
      const rooms = Array.from({ length: 100 }, (_, i) => `unknown-${batch}-${i}`);
      expect(await emitAck(socket, 'join', { rooms })).toEqual({ ok: true });
    }
    expect(readdirSync(root).filter((f) => !f.startsWith('.'))).toEqual([]);
    expect(readdirSync('/proc/self/fd').length - fds).toBeLessThan(10);
    const over = await emitAck<{ ok: boolean; message: string }>(socket, 'join', { rooms: ['one-too-many'] });
    expect(over).toMatchObject({ ok: false, message: expect.stringMatching(/at most 300 rooms/) });
    const got = collect(socket);
    const publisher = client(url);
    await emitAck(publisher, 'mlgym_event', jobStatus(0, 'unknown-2-99'));
    await until(() => got.length > 0);
    expect(got.map((e) => e.event_id)).toEqual([0]);
    expect(readdirSync(root).filter((f) => !f.startsWith('.'))).toEqual(['unknown-2-99']);
  });

  it('serves many more grid searches than its open-log bound, with a bounded number of descriptors', async () => {
    const { url } = await server({}, { maxOpenLogs: 8, fsync: 'never' });
    const socket = client(url);
    const fds = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 60; i++) await emitAck(socket, 'mlgym_event', jobStatus(i, `gs-${i}`));
    // Logs past the bound are closed in the background: wait for their descriptors to go.
    const bound = 2 * 8 + 6;
    await until(() => readdirSync('/proc/self/fd').length - fds <= bound);
    expect(readdirSync('/proc/self/fd').length - fds).toBeLessThanOrEqual(bound);
    const list = await new Promise<unknown[]>((resolve) => socket.emit('list_grid_searches', resolve));
    expect(list).toHaveLength(60);
    const reader = client(url);
    const got = collect(reader);
    expect(await emitAck(reader, 'join', { rooms: ['gs-0', 'gs-59', 'gs-30'] })).toEqual({ ok: true });
    expect(got.map((e) => (e.data as { payload: { experiment_id: number } }).payload.experiment_id)).toEqual([
      0, 59, 30,
    ]);
  });
});

describe('allowed origins apply to every transport', () => {
  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses a page on another origin over ${transport}, allows listed, same-origin and non-browser clients`, async () => {
      const { url } = await server({ corsAllowedOrigins: ['http://127.0.0.1:8080'] });
      const evil = client(url, { transports: [transport], extraHeaders: { Origin: 'http://evil.example' } });
      await expect(connected(evil)).rejects.toThrow();
      for (const origin of [undefined, 'http://127.0.0.1:8080', url]) {
        const ok = client(url, { transports: [transport], ...(origin ? { extraHeaders: { Origin: origin } } : {}) });
        await connected(ok);
        const list = await new Promise<unknown[]>((resolve) => ok.emit('list_grid_searches', resolve));
        expect(list).toEqual([]);
      }
    });
  }
});

describe('one client cannot hurt the others', () => {
  it('disconnects a subscriber that stopped reading once its unsent output passes the bound', async () => {
    const { url, endpoint } = await server({ maxBufferedBytes: 1024 * 1024 }, { fsync: 'never' });
    const stalled = client(url);
    await emitAck(stalled, 'join', { rooms: [GS] });
    const engine = stalled.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } };
    engine.transport.ws._socket.pause(); // reads nothing more, like a frozen browser tab
    const publisher = client(url);
    const filler = 'x'.repeat(300);
    let gone = false;
    for (let round = 0; round < 120 && !gone; round++) {
      const events = Array.from({ length: 200 }, (_, i) => jobStatus(round * 200 + i, GS, { note: filler }));
      await emitAck(publisher, 'mlgym_events', { publisher_id: 'p', first_seq: round * 200, events });
      gone = endpoint.io.sockets.sockets.size === 1;
    }
    expect(gone).toBe(true);
    await answersPings(publisher);
  });

  it('acknowledges a join whose replay fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-ws-adv-'));
    mkdirSync(join(root, GS, 'event_storage.log'), { recursive: true }); // unreadable as a log
    const { url } = await serverOn(root);
    const socket = client(url);
    const ack = await emitAck<{ ok: boolean; message?: string }>(socket, 'join', { rooms: [GS] }, 3000);
    expect(ack.ok).toBe(false);
    expect(await emitAck(socket, 'join', { rooms: ['other'] }, 3000)).toEqual({ ok: true });
  });
});
