import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import type { MlgymEventMessage, PublishAck } from '@mlgym/protocol';
import { createWsEndpoint } from './createWsEndpoint.js';
import type { WsEndpoint, WsEndpointOptions } from './createWsEndpoint.js';

const GS = '2023-06-03--10-26-58';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(options: Partial<WsEndpointOptions> = {}, root = mkdtempSync(join(tmpdir(), 'mlgym-ws-'))) {
  const storage = new FileEventStorage(root);
  const endpoint: WsEndpoint = createWsEndpoint({ storage, ...options });
  const port = await endpoint.listen(0);
  cleanup.push(async () => {
    await endpoint.close();
    await storage.close();
  });
  return { root, url: `http://127.0.0.1:${port}` };
}

function client(url: string): Socket {
  const socket = connect(url, { transports: ['websocket'], forceNew: true });
  cleanup.push(() => {
    socket.close();
  });
  return socket;
}

/** Collects mlgym_event messages, flattening batched ones into {event_id, data}. */
function collect(socket: Socket) {
  const events: Array<{ event_id: number; data: unknown }> = [];
  const raw: MlgymEventMessage[] = [];
  socket.on('mlgym_event', (m: MlgymEventMessage) => {
    raw.push(m);
    if (m.event_id === 'batched_events') events.push(...(m.data as Array<{ event_id: number; data: unknown }>));
    else events.push({ event_id: m.event_id, data: m.data });
  });
  return { events, raw };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const emitAck = <T>(socket: Socket, name: string, payload: unknown) =>
  new Promise<T>((resolve) => socket.emit(name, payload, (r: T) => resolve(r)));

// Message shapes of the original Python client (MLgym's appendix A).
const jobStatus = (i: number) => ({
  event_type: 'job_status',
  creation_ts: 1685780818123456 + i,
  payload: {
    job_id: `${GS}-${i}`,
    job_type: 1,
    status: 'RUNNING',
    grid_search_id: GS,
    experiment_id: i,
    starting_time: 1685780818.12,
    finishing_time: -1,
    error: null,
    stacktrace: null,
  },
});
const originalEvents = [
  jobStatus(3),
  {
    event_type: 'experiment_status',
    creation_ts: 1685780820000000,
    payload: {
      grid_search_id: GS,
      experiment_id: 3,
      status: 'train',
      num_epochs: 100,
      current_epoch: 0,
      splits: ['train'],
      current_split: 'train',
      num_batches: 500,
      current_batch: 150,
    },
  },
  {
    event_type: 'evaluation_result',
    creation_ts: 1685780900000000,
    payload: {
      grid_search_id: GS,
      experiment_id: 3,
      epoch: 0,
      metric_scores: [{ metric: 'F1_SCORE_macro', split: 'val', score: 0.91 }],
      loss_scores: [{ loss: 'cross_entropy_loss', split: 'val', score: 0.31 }],
    },
  },
  {
    event_type: 'experiment_config',
    creation_ts: 1685780817000000,
    payload: { grid_search_id: GS, experiment_id: 3, job_id: 3, config: { model: {} } },
  },
];

describe('ml_board_ws_endpoint protocol', () => {
  it("round-trips the original Python client's messages: stored as JSONL, broadcast live, replayed batched", async () => {
    const { url, root } = await server();
    const dashboard = client(url);
    const live = collect(dashboard);
    await emitAck(dashboard, 'join', { rooms: [GS] });
    const publisher = client(url);
    const logs: string[] = [];
    publisher.on('server_log_message', (m: string) => logs.push(m));
    publisher.emit('join', {
      client_id: 'mlgym_streamed_logger',
      rooms: ['mlgym_event_publishers', 'mlgym_streamed_logger'],
    });
    for (const e of originalEvents) publisher.emit('mlgym_event', e); // no ack, like python-socketio
    await until(() => live.events.length === 4);
    expect(live.events).toEqual(originalEvents.map((data, i) => ({ event_id: i, data })));
    expect(logs[0]).toBe('Client mlgym_streamed_logger joined rooms: [mlgym_event_publishers, mlgym_streamed_logger]');

    const lines = readFileSync(join(root, GS, 'event_storage.log'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(originalEvents);
    expect(readdirSync(root).filter((d) => !d.startsWith('.'))).toEqual([GS]);

    const late = client(url);
    const replay = collect(late);
    await emitAck(late, 'join', { rooms: [GS] });
    expect(replay.raw).toHaveLength(1);
    expect(replay.raw[0]!.event_id).toBe('batched_events');
    expect(replay.events).toEqual(live.events);
  });

  it('answers ping with pong, lists grid searches, and disconnects on leave', async () => {
    const { url } = await server();
    const socket = client(url);
    await emitAck<PublishAck>(socket, 'mlgym_event', jobStatus(0));
    const pong = new Promise<void>((resolve) => socket.once('pong', () => resolve()));
    socket.emit('ping');
    await pong;
    const list = await new Promise<Array<{ grid_search_id: string; event_count: number }>>((resolve) =>
      socket.emit('list_grid_searches', resolve),
    );
    expect(list).toMatchObject([{ grid_search_id: GS, event_count: 1 }]);
    const bye = new Promise<string>((resolve) => socket.on('server_log_message', resolve));
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    socket.emit('leave');
    expect(await bye).toBe('You are now disconnected.');
    await gone;
  });
});

describe('resumable, chunked, ordered history', () => {
  it('a client that sends its last event_id gets exactly the events after it', async () => {
    const { url } = await server();
    const publisher = client(url);
    const ack = await emitAck<PublishAck>(publisher, 'mlgym_events', {
      publisher_id: 'p',
      first_seq: 0,
      events: Array.from({ length: 100 }, (_, i) => jobStatus(i)),
    });
    expect(ack).toEqual({ ok: true, event_ids: Array.from({ length: 100 }, (_, i) => i), duplicates: 0 });
    const resumed = client(url);
    const got = collect(resumed);
    await emitAck(resumed, 'join', { rooms: [GS], last_event_id: 49 });
    expect(got.events.map((e) => e.event_id)).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
    await emitAck(publisher, 'mlgym_event', jobStatus(100));
    await until(() => got.events.length === 51);
    expect(got.events.at(-1)!.event_id).toBe(100);
  });

  it('sends long histories in bounded chunks (json and jsonl)', async () => {
    const { url } = await server({ historyChunkBytes: 4096 });
    const publisher = client(url);
    await emitAck(publisher, 'mlgym_events', {
      publisher_id: 'p',
      first_seq: 0,
      events: Array.from({ length: 500 }, (_, i) => jobStatus(i)),
    });
    const json = client(url);
    const got = collect(json);
    await emitAck(json, 'join', { rooms: [GS] });
    expect(got.raw.length).toBeGreaterThan(10);
    expect(got.events.map((e) => e.event_id)).toEqual(Array.from({ length: 500 }, (_, i) => i));

    const jsonl = client(url);
    const chunks: Array<{ first_event_id: number; count: number; jsonl: ArrayBuffer }> = [];
    jsonl.on('mlgym_event_chunk', (c: (typeof chunks)[number]) => chunks.push(c));
    const done = new Promise<{ next_event_id: number }>((resolve) => jsonl.once('history_done', resolve));
    jsonl.emit('join', { rooms: [GS], history_format: 'jsonl' });
    expect((await done).next_event_id).toBe(500);
    const lines = chunks.flatMap((c) => Buffer.from(c.jsonl).toString().trimEnd().split('\n'));
    expect(lines).toHaveLength(500);
    expect(JSON.parse(lines[499]!)).toEqual(jobStatus(499));
    expect(chunks.map((c) => c.first_event_id)[1]).toBe(chunks[0]!.count);
  });

  it('delivers live events that arrive during a replay once and in order', async () => {
    const { url } = await server({ historyChunkBytes: 2048 });
    const publisher = client(url);
    await emitAck(publisher, 'mlgym_events', {
      publisher_id: 'p',
      first_seq: 0,
      events: Array.from({ length: 2000 }, (_, i) => jobStatus(i)),
    });
    let seq = 2000;
    const firing = (async () => {
      for (let round = 0; round < 40; round++) {
        const events = Array.from({ length: 25 }, () => jobStatus(seq++));
        await emitAck(publisher, 'mlgym_events', { publisher_id: 'p', first_seq: seq - 25, events });
      }
    })();
    const joiner = client(url);
    const got = collect(joiner);
    joiner.emit('join', { rooms: [GS] });
    await firing;
    // One more event after the others: once it is in, anything sent twice before it would be in too.
    await emitAck(publisher, 'mlgym_events', { publisher_id: 'p', first_seq: seq, events: [jobStatus(seq)] });
    await until(() => got.events.some((e) => e.event_id === 3000));
    expect(got.events.map((e) => e.event_id)).toEqual(Array.from({ length: 3001 }, (_, i) => i));
  });
});

describe('bad input', () => {
  it('refuses invalid events with a message to the sender, stores nothing, and keeps serving', async () => {
    // The storage root two levels down in a fresh folder: `../../etc` from it names <that folder>/etc, which the
    // test can look at (from a root directly in /tmp it would name /etc, which always exists).
    const base = mkdtempSync(join(tmpdir(), 'mlgym-ws-'));
    const { url, root } = await server({ maxEventBytes: 2000 }, join(base, 'a', 'root'));
    const escaped = resolve(root, '../../etc');
    expect(escaped).toBe(join(base, 'etc'));
    const socket = client(url);
    const errors: Array<{ code: string; message: string }> = [];
    socket.on('mlgym_error', (e: { code: string; message: string }) => errors.push(e));
    const bad: unknown[] = [
      'just a string',
      42,
      null,
      { event_type: 'unknown_type', creation_ts: 1, payload: { grid_search_id: GS } },
      { event_type: 'job_status', creation_ts: 1, payload: { experiment_id: 1 } },
      { ...jobStatus(1), payload: { ...jobStatus(1).payload, experiment_id: 'three' } },
      { ...jobStatus(1), payload: { ...jobStatus(1).payload, grid_search_id: '../../etc' } },
      { ...jobStatus(1), payload: { ...jobStatus(1).payload, grid_search_id: 'a\u0000b' } },
      { ...jobStatus(1), payload: { ...jobStatus(1).payload, error: 'x'.repeat(5000) } },
    ];
    for (const b of bad) {
      const ack = await emitAck<PublishAck>(socket, 'mlgym_event', b);
      expect(ack.ok).toBe(false);
    }
    expect(errors.map((e) => e.code)).toEqual([
      'EVENT_INVALID',
      'EVENT_INVALID',
      'EVENT_INVALID',
      'EVENT_INVALID',
      'EVENT_INVALID',
      'EVENT_INVALID',
      'EVENT_INVALID',
      'EVENT_INVALID',
      'PAYLOAD_TOO_LARGE',
    ]);
    expect(errors[4]!.message).toMatch(/payload\.grid_search_id/);
    socket.emit('mlgym_events', { publisher_id: 'p', first_seq: 0, events: [jobStatus(0), { nope: 1 }] });
    socket.emit('join', { rooms: '../x' });
    socket.emit('join', { rooms: ['..', 'ok-room'] });
    await until(() => errors.length >= 12);
    expect(existsSync(join(root, GS))).toBe(false);
    expect(existsSync(escaped)).toBe(false);
    const ok = await emitAck<PublishAck>(socket, 'mlgym_event', jobStatus(7));
    expect(ok).toEqual({ ok: true, event_ids: [0], duplicates: 0 });
    // Only the storage root was created in the fresh folder, by the valid event.
    expect(readdirSync(base)).toEqual(['a']);
  });

  it('stores a re-sent batch once (per-publisher sequence)', async () => {
    const { url } = await server();
    const socket = client(url);
    const batch = { publisher_id: 'run-1/exp-0', first_seq: 0, events: [jobStatus(0), jobStatus(1)] };
    expect(await emitAck(socket, 'mlgym_events', batch)).toEqual({ ok: true, event_ids: [0, 1], duplicates: 0 });
    expect(await emitAck(socket, 'mlgym_events', batch)).toEqual({ ok: true, event_ids: [], duplicates: 2 });
    expect(
      await emitAck(socket, 'mlgym_events', { ...batch, first_seq: 1, events: [jobStatus(1), jobStatus(2)] }),
    ).toEqual({ ok: true, event_ids: [2], duplicates: 1 });
  });
});
