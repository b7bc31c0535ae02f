import { afterEach, describe, expect, it, vi } from 'vitest';
import { HISTORY_COUNT_HEADER, HISTORY_FIRST_ID_HEADER } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import { evaluation } from '../../test/events';
import type { DataUpdate } from '../events/dataUpdate';
import type { Settings } from '../settings/settingsStorage';
import { createSocketSession } from './socketSession';
import type { BoardSocket } from './sessionState';
import type { FromWorker } from './workerMessages';

const settings: Settings = {
  gridSearchId: '2024-01-01--00-00-00',
  socketConnectionUrl: 'http://127.0.0.1:5002',
  restApiUrl: 'http://127.0.0.1:5001',
};

/** Event `id` of the test's run: experiment 0's score at epoch `id` (so a point names its event). */
const event = (id: number, experiment = 0): MlgymEvent => evaluation(experiment, id, { f1: id / 100 });
const line = (id: number, experiment = 0) => `${JSON.stringify(event(id, experiment))}\n`;
const jsonl = (ids: number[], experiment = 0) =>
  new TextEncoder().encode(ids.map((id) => line(id, experiment)).join(''));

/**
 * The socket the session is given: what the session emits is recorded, and the test plays the server
 * (socket.io-client's Socket keeps one object across reconnections, firing `disconnect` and `connect`).
 */
class ScriptedSocket {
  connected = false;
  closed = false;
  readonly sent: Array<{ event: string; args: unknown[] }> = [];
  private readonly handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  constructor(readonly options: { auth?: unknown }) {}
  on(name: string, handler: (...args: unknown[]) => void): this {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
    return this;
  }
  emit(name: string, ...args: unknown[]): this {
    this.sent.push({ event: name, args });
    const ack = args.at(-1);
    if (name === 'list_grid_searches' && typeof ack === 'function') ack([{ grid_search_id: settings.gridSearchId }]);
    return this;
  }
  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }
  close(): this {
    this.connected = false;
    this.closed = true;
    return this;
  }
  /** The server sends `name`. */
  fire(name: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(name) ?? []) h(...args);
  }
  up(): void {
    this.connected = true;
    this.fire('connect');
  }
  down(reason: string): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  joins(): Array<Record<string, unknown>> {
    return this.sent.filter((s) => s.event === 'join').map((s) => s.args[0] as Record<string, unknown>);
  }
}

/** One GET of the history over HTTP: its lines are sent when the test says, as a streaming endpoint would. */
interface HistoryRequest {
  url: URL;
  authorization: string | null;
  aborted(): boolean;
  /** Sends these events (of `experiment`: a stream of another grid search says so by its points). */
  send(ids: number[], experiment?: number): void;
  end(): void;
}

function harness() {
  const sockets: ScriptedSocket[] = [];
  const requests: HistoryRequest[] = [];
  const posted: FromWorker[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const from = Number(url.searchParams.get('from'));
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    let open = true;
    init?.signal?.addEventListener('abort', () => {
      open = false;
      controller.error(new DOMException('aborted', 'AbortError'));
    });
    const headers = new Headers(init?.headers);
    requests.push({
      url,
      authorization: headers.get('authorization'),
      aborted: () => init?.signal?.aborted ?? false,
      send: (ids, experiment) => open && controller.enqueue(jsonl(ids, experiment)),
      end: () => open && (controller.close(), (open = false)),
    });
    // the endpoint announces what it holds from `from` on: ten events in these tests
    return new Response(body, {
      headers: { [HISTORY_FIRST_ID_HEADER]: String(from), [HISTORY_COUNT_HEADER]: String(Math.max(0, 10 - from)) },
    });
  }) as typeof fetch;
  const session = createSocketSession({
    connect: (_url, options) => {
      const s = new ScriptedSocket(options);
      sockets.push(s);
      return s as unknown as BoardSocket;
    },
    post: (message) => {
      posted.push(message);
      // the page acknowledges each data post once it has applied it
      if (message.type === 'data') setTimeout(() => session.handle({ type: 'ack' }), 0);
    },
    fetchFn,
  });
  const updates = () => posted.flatMap((m) => (m.type === 'data' ? [m.update] : []));
  /** Every epoch of `experiment` posted, in the order posted: each is one event's id. */
  const foldedIds = (experiment = 0) =>
    updates().flatMap((u: DataUpdate) =>
      u.points.filter((p) => p.experiment_id === experiment).flatMap((p) => [...p.epochs]),
    );
  return { session, sockets, requests, posted, updates, foldedIds };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the socket worker (a session over an explicit state, its socket and post function given)', () => {
  it('history over HTTP, then a join after its last event; replayed and live events it already holds are dropped', async () => {
    const { session, sockets, requests, posted, foldedIds } = harness();
    close = () => session.handle({ type: 'close' });
    session.handle({ type: 'connect', settings, lastEventId: -1, token: null });
    const socket = sockets[0]!;
    socket.up();
    expect(posted).toContainEqual({ type: 'connected', reconnect: false });
    expect(posted).toContainEqual({ type: 'roomKnown', known: true });
    // the join waits for the history
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.url.pathname).toBe(`/history/${settings.gridSearchId}`);
    expect(requests[0]!.url.searchParams.get('from')).toBe('0');
    requests[0]!.send(range(0, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(socket.joins()).toEqual([]);
    requests[0]!.end();
    await vi.waitFor(() => expect(socket.joins()).toHaveLength(1));
    expect(socket.joins()[0]).toEqual({
      rooms: [settings.gridSearchId],
      client_id: 'mlboard',
      last_event_id: 5,
      history_format: 'jsonl',
    });
    // an endpoint that replays from before what was asked (3…8 overlaps 3…5), then live events, one repeated
    socket.fire('mlgym_event_chunk', {
      grid_search_id: settings.gridSearchId,
      first_event_id: 3,
      count: 6,
      jsonl: jsonl(range(3, 8)),
    });
    socket.fire('history_done', { grid_search_id: settings.gridSearchId, next_event_id: 9 });
    const done = posted.find((m) => m.type === 'historyDone');
    expect(done).toMatchObject({ type: 'historyDone', nextEventId: 9 });
    // the history's end is posted at once, before historyDone
    expect(foldedIds()).toEqual(range(0, 8));
    socket.fire('mlgym_event', { event_id: 8, data: event(8) });
    socket.fire('mlgym_event', {
      event_id: 'batched_events',
      data: [9, 10, 10, 7].map((id) => ({ event_id: id, data: event(id) })),
    });
    await vi.waitFor(() => expect(foldedIds()).toEqual(range(0, 10)));
    expect(session.state.folder.lastEventId).toBe(10);
    expect(session.state.messages).toBe(11);
  });

  it('after a dropped connection it joins again from the last event it holds, and keeps what it has', async () => {
    const { session, sockets, requests, posted, foldedIds } = harness();
    close = () => session.handle({ type: 'close' });
    session.handle({ type: 'connect', settings, lastEventId: -1, token: null });
    const socket = sockets[0]!;
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    requests[0]!.send(range(0, 9));
    requests[0]!.end();
    socket.up();
    await vi.waitFor(() => expect(socket.joins()).toHaveLength(1));
    socket.fire('history_done', { grid_search_id: settings.gridSearchId, next_event_id: 10 });
    socket.fire('mlgym_event', { event_id: 10, data: event(10) });
    socket.down('transport close');
    // what was folded is posted when the connection drops
    expect(foldedIds()).toEqual(range(0, 10));
    expect(posted.at(-1)).toEqual({ type: 'disconnected', reason: 'disconnected (transport close)' });
    socket.up();
    expect(posted).toContainEqual({ type: 'connected', reconnect: true });
    await vi.waitFor(() => expect(socket.joins()).toHaveLength(2));
    expect(socket.joins()[1]).toMatchObject({ last_event_id: 10 });
    // one socket, one history request: a reconnection does not start again
    expect(sockets).toHaveLength(1);
    expect(requests).toHaveLength(1);
    socket.fire('mlgym_event_chunk', {
      grid_search_id: settings.gridSearchId,
      first_event_id: 11,
      count: 2,
      jsonl: jsonl([11, 12]),
    });
    socket.fire('history_done', { grid_search_id: settings.gridSearchId, next_event_id: 13 });
    expect(foldedIds()).toEqual(range(0, 12));
  });

  it('malformed messages are dropped or counted, never thrown, and the events after them still arrive', async () => {
    const { session, sockets, requests, updates, foldedIds } = harness();
    close = () => session.handle({ type: 'close' });
    session.handle({ type: 'connect', settings, lastEventId: -1, token: null });
    const socket = sockets[0]!;
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    requests[0]!.end();
    socket.up();
    await vi.waitFor(() => expect(socket.joins()).toHaveLength(1));
    const bad: unknown[] = [
      { event_id: 'x', data: event(0) },
      { event_id: 'batched_events', data: 'not a list' },
      { event_id: 'batched_events', data: [null, 7, { data: event(0) }, { event_id: '1', data: event(1) }] },
      { data: event(0) },
    ];
    for (const message of bad) socket.fire('mlgym_event', message);
    // an event whose body breaks the protocol, and one of a type it does not know, are counted
    socket.fire('mlgym_event', { event_id: 0, data: { event_type: 'evaluation_result', payload: { epoch: -1 } } });
    socket.fire('mlgym_event', { event_id: 1, data: { event_type: 'from_the_future', creation_ts: 1, payload: {} } });
    // a replayed chunk with a line that is no JSON, and a last line without its newline
    socket.fire('mlgym_event_chunk', {
      grid_search_id: settings.gridSearchId,
      first_event_id: 2,
      count: 3,
      jsonl: new TextEncoder().encode(`{"event_type":\n${line(3)}${JSON.stringify(event(4))}`),
    });
    socket.fire('history_done', { grid_search_id: settings.gridSearchId, next_event_id: 5 });
    socket.fire('mlgym_event', { event_id: 5, data: event(5) });
    await vi.waitFor(() => expect(foldedIds()).toEqual([3, 4, 5]));
    const sum = (f: (u: DataUpdate) => number) => updates().reduce((n, u) => n + f(u), 0);
    expect(sum((u) => u.malformed)).toBe(2);
    expect(sum((u) => u.unknown)).toBe(1);
    expect(
      updates()
        .flatMap((u) => u.problems)
        .join('\n'),
    ).toMatch(/event 0 \(evaluation_result\) is malformed/);
    expect(session.state.folder.lastEventId).toBe(5);
  });

  it('restarted mid-history (a token entered), it fetches the rest from where it stopped; the old stream folds nothing more', async () => {
    const { session, sockets, requests, foldedIds } = harness();
    close = () => session.handle({ type: 'close' });
    session.handle({ type: 'connect', settings, lastEventId: -1, token: null });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    const first = requests[0]!;
    expect(first.authorization).toBeNull();
    expect(first.aborted()).toBe(false);
    first.send(range(0, 4));
    await vi.waitFor(() => expect(session.state.folder.lastEventId).toBe(4));
    // the handshake was refused; the person enters a token: the session starts again with it
    sockets[0]!.fire('connect_error', Object.assign(new Error('token required'), { data: { code: 'AUTH_REQUIRED' } }));
    session.handle({ type: 'token', token: 't2' });
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets).toHaveLength(2);
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    const second = requests[1]!;
    expect(second.url.searchParams.get('from')).toBe('5');
    expect(second.authorization).toBe('Bearer t2');
    expect(first.aborted()).toBe(true);
    expect(sockets[1]!.options.auth as (cb: (a: unknown) => void) => void).toBeTypeOf('function');
    // the first stream goes on (its abort has not reached it): none of its lines is folded again
    first.send(range(5, 7));
    second.send(range(5, 9));
    second.end();
    sockets[1]!.up();
    await vi.waitFor(() => expect(sockets[1]!.joins()).toHaveLength(1));
    expect(sockets[1]!.joins()[0]).toMatchObject({ last_event_id: 9 });
    sockets[1]!.fire('history_done', { grid_search_id: settings.gridSearchId, next_event_id: 10 });
    expect(foldedIds()).toEqual(range(0, 9));
  });

  it('a new connect mid-history (another grid search) starts over: the replaced stream is aborted and none of it is folded', async () => {
    const { session, sockets, requests, foldedIds } = harness();
    close = () => session.handle({ type: 'close' });
    session.handle({ type: 'connect', settings, lastEventId: -1, token: null });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    requests[0]!.send(range(0, 2), 1);
    await vi.waitFor(() => expect(session.state.folder.lastEventId).toBe(2));
    const other = { ...settings, gridSearchId: 'another-run' };
    session.handle({ type: 'connect', settings: other, lastEventId: 6, token: null });
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[0]!.aborted()).toBe(true);
    expect(requests[1]!.url.pathname).toBe('/history/another-run');
    expect(requests[1]!.url.searchParams.get('from')).toBe('7');
    requests[0]!.send(range(3, 9), 1);
    requests[1]!.send(range(7, 9));
    requests[1]!.end();
    sockets[1]!.up();
    await vi.waitFor(() => expect(sockets[1]!.joins()).toHaveLength(1));
    sockets[1]!.fire('history_done', { grid_search_id: 'another-run', next_event_id: 10 });
    expect(foldedIds()).toEqual([7, 8, 9]);
    // the first grid search's events were never posted (the page asked for a new start)
    expect(foldedIds(1)).toEqual([]);
  });
});
