import { describe, expect, it } from 'vitest';
import { evaluation } from '../test/events';
import { makeStore } from '../app/store';
import { FakeWorker, memoryStorage, testStore } from '../test/fakes';
import { createEventFolder } from './events/eventFolder';
import { tokenEntered } from './auth/authSlice';
import { writeToken } from './auth/tokenStorage';
import { alsoShown, connectRequested, settingsCleared } from './settings/settingsSlice';
import { KEY_STRIDE } from './events/experimentKey';
import { SETTINGS_KEY } from './settings/settingsStorage';
import { startEarlySocketWorker } from './earlySocketWorker';

const settings = {
  gridSearchId: 'gs-1',
  socketConnectionUrl: 'http://127.0.0.1:5002/',
  restApiUrl: 'http://127.0.0.1:5001//',
};

function update(firstId: number, epochs: number[]) {
  const folder = createEventFolder(firstId - 1);
  epochs.forEach((e, i) => folder.fold(firstId + i, evaluation(0, e, { f1: e / 10 })));
  return folder.take();
}

describe('connection listener', () => {
  it('streams several grid searches, one worker each: keyed apart, the history done when every one is', async () => {
    const { store, workers } = testStore();
    store.dispatch(alsoShown(['gs-2', 'gs-1', 'gs-3', 'gs-2']));
    store.dispatch(connectRequested(settings));
    expect(store.getState().settings.also).toEqual(['gs-2', 'gs-3']);
    expect(workers.map((w) => (w.posted[0] as { settings: { gridSearchId: string } }).settings.gridSearchId)).toEqual([
      'gs-1',
      'gs-2',
      'gs-3',
    ]);
    for (const w of workers) w.send({ type: 'data', update: update(0, [0]) });
    expect(store.getState().experiments.ids).toEqual([0, KEY_STRIDE, 2 * KEY_STRIDE]);
    expect(store.getState().series.byKey['val_F1_SCORE_macro']?.experimentIds).toEqual([0, KEY_STRIDE, 2 * KEY_STRIDE]);
    workers[0]?.send({ type: 'historyDone', nextEventId: 1 });
    workers[2]?.send({ type: 'historyDone', nextEventId: 1 });
    expect(store.getState().connection.historyDone).toBe(false);
    workers[1]?.send({ type: 'historyDone', nextEventId: 1 });
    expect(store.getState().connection.historyDone).toBe(true);
    // every worker is acknowledged for its own posts
    await new Promise((r) => setTimeout(r, 10));
    for (const w of workers) expect(w.posted.filter((m) => (m as { type: string }).type === 'ack')).toHaveLength(1);
    // a further grid search the endpoint does not know is said; the connection stays the first's
    workers[2]?.send({ type: 'roomKnown', known: false });
    expect(store.getState().connection.serverError).toBe(
      'The websocket endpoint knows no grid search "gs-3" (shown beside the first).',
    );
    // showing others streams all of them again, from fresh workers
    store.dispatch(alsoShown([]));
    expect(workers.slice(0, 3).every((w) => w.terminated)).toBe(true);
    expect(workers).toHaveLength(4);
    expect(store.getState().experiments.ids).toEqual([]);
  });

  it('starts a worker with normalised settings, saves them when confirmed, and forwards what the worker reports', async () => {
    const { store, workers, storage } = testStore();
    store.dispatch(connectRequested(settings, { save: true }));
    const normalised = {
      gridSearchId: 'gs-1',
      socketConnectionUrl: 'http://127.0.0.1:5002',
      restApiUrl: 'http://127.0.0.1:5001',
    };
    expect(workers[0]?.posted).toEqual([
      { type: 'connect', settings: normalised, lastEventId: -1, batching: true, token: null, snapshot: true },
    ]);
    expect(JSON.parse(storage.getItem(SETTINGS_KEY) ?? '')).toEqual(normalised);
    expect(store.getState().connection.status).toBe('connecting');

    workers[0]?.send({ type: 'connected', reconnect: false });
    workers[0]?.send({ type: 'data', update: update(0, [0, 1]) });
    workers[0]?.send({ type: 'stats', ping: 3, throughput: 2, messages: 2 });
    workers[0]?.send({ type: 'historyDone', nextEventId: 2 });
    const c = store.getState().connection;
    expect(c).toMatchObject({
      status: 'connected',
      ping: 3,
      throughput: 2,
      messages: 2,
      lastEventId: 1,
      historyDone: true,
    });
    expect(c.notice?.text).toBe('Socket Connection Successful');
    // backpressure: the worker gets an acknowledgement once the page has applied a data post
    await new Promise((r) => setTimeout(r, 10));
    expect(workers[0]?.posted.slice(1)).toEqual([{ type: 'ack' }]);
  });

  it('renders a snapshot once it has every part: its parts before the last are acknowledged at once, unseen', async () => {
    const { store, workers } = testStore();
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getState().experiments.ids.length));
    store.dispatch(connectRequested(settings));
    const part = (index: number) => ({
      ...update(index, [index]),
      rows: [{ experiment_id: index }],
      part: { index, of: 3 },
    });
    seen.length = 0;
    workers[0]?.send({ type: 'data', update: part(0) });
    workers[0]?.send({ type: 'data', update: part(1) });
    // acknowledged without waiting for a paint (nothing is drawn), and nothing told to the page yet
    expect(workers[0]?.posted.slice(1)).toEqual([{ type: 'ack' }, { type: 'ack' }]);
    expect(seen).toEqual([]);
    workers[0]?.send({ type: 'data', update: part(2) });
    expect(seen).toEqual([3]);
    await new Promise((r) => setTimeout(r, 10));
    expect(workers[0]?.posted.slice(1)).toEqual([{ type: 'ack' }, { type: 'ack' }, { type: 'ack' }]);
  });

  it('keeps the data through a disconnect and says so; the reconnect resumes in the same worker', () => {
    const { store, workers } = testStore();
    store.dispatch(connectRequested(settings));
    const w = workers[0]!;
    w.send({ type: 'connected', reconnect: false });
    w.send({ type: 'data', update: update(0, [0, 1]) });
    w.send({ type: 'disconnected', reason: 'disconnected (transport close)' });
    expect(store.getState().connection.status).toBe('reconnecting');
    expect(store.getState().connection.notice?.text).toBe('Socket disconnected, reconnecting…');
    w.send({ type: 'connectError', message: 'xhr poll error', attempt: 1 });
    w.send({ type: 'connected', reconnect: true });
    w.send({ type: 'data', update: update(2, [2]) });
    expect(store.getState().connection.notice?.text).toBe('Socket reconnected');
    expect(workers).toHaveLength(1);
    expect(store.getState().series.byKey['val_F1_SCORE_macro']?.byExperiment[0]?.epochs).toEqual([0, 1, 2]);
  });

  it('a new connection request replaces the worker and forgets the old grid search; clear stops it', () => {
    const { store, workers, storage } = testStore();
    store.dispatch(connectRequested(settings, { save: true }));
    workers[0]?.send({ type: 'data', update: update(0, [0]) });
    store.dispatch(connectRequested({ ...settings, gridSearchId: 'gs-2' }));
    expect(workers[0]?.terminated).toBe(true);
    expect(store.getState().series.keys).toEqual([]);
    workers[0]?.send({ type: 'data', update: update(1, [1]) }); // late message of the old worker: ignored
    expect(store.getState().series.keys).toEqual([]);
    store.dispatch(settingsCleared());
    expect(workers[1]?.terminated).toBe(true);
    expect(storage.getItem(SETTINGS_KEY)).toBeNull();
    expect(store.getState().connection.status).toBe('idle');
  });

  it("a link's settings connect this tab only; an endpoint that is not http(s) starts no worker", () => {
    const { store, workers, storage } = testStore();
    store.dispatch(connectRequested(settings)); // from a link: not confirmed
    expect(workers).toHaveLength(1);
    expect(storage.getItem(SETTINGS_KEY)).toBeNull();
    store.dispatch(connectRequested({ ...settings, socketConnectionUrl: 'data:text/plain,x' }, { save: true }));
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(1);
  });

  it('a handshake refused for lack of a token asks for one; the token entered reaches the worker alone', () => {
    const tokens = memoryStorage();
    const workers: FakeWorker[] = [];
    const store = makeStore({
      storage: memoryStorage(),
      tokens,
      createWorker: () => {
        workers.push(new FakeWorker());
        return workers.at(-1)!;
      },
    });
    store.dispatch(connectRequested(settings));
    const w = workers[0]!;
    w.send({ type: 'connectError', message: 'a token is required', attempt: 1, code: 'AUTH_REQUIRED' });
    expect(store.getState().auth.prompt).toEqual({
      origin: 'http://127.0.0.1:5002',
      kind: 'websocket',
      code: 'AUTH_REQUIRED',
      message: 'a token is required',
    });
    expect(store.getState().connection.authCode).toBe('AUTH_REQUIRED');
    writeToken(tokens, 'http://127.0.0.1:5002', 's3cret');
    store.dispatch(tokenEntered({ origin: 'http://127.0.0.1:5002' }));
    expect(w.posted.at(-1)).toEqual({ type: 'token', token: 's3cret' });
    expect(store.getState().auth.prompt).toBeNull();
    // a token for the REST endpoint is none of the worker's business
    store.dispatch(tokenEntered({ origin: 'http://127.0.0.1:5001' }));
    expect(w.posted.filter((m) => (m as { type: string }).type === 'token')).toHaveLength(1);
    // a refused join says so plainly
    w.send({ type: 'serverError', message: 'token limited to other grid searches', code: 'AUTH_FORBIDDEN' });
    expect(store.getState().connection.serverError).toBeNull();
    expect(store.getState().auth.refused['http://127.0.0.1:5002']?.code).toBe('AUTH_FORBIDDEN');
  });

  it('counts ignored events for the warning', () => {
    const { store, workers } = testStore();
    store.dispatch(connectRequested(settings));
    const folder = createEventFolder();
    folder.fold(0, { event_type: 'nope' });
    folder.fold(1, { event_type: 'job_status', payload: {} });
    workers[0]?.send({ type: 'data', update: folder.take() });
    expect(store.getState().connection).toMatchObject({ unknownEvents: 1, malformedEvents: 1 });
    expect(store.getState().connection.problems).toHaveLength(2);
  });
});

describe('a socket worker started before the store', () => {
  const normalised = {
    gridSearchId: 'gs-1',
    socketConnectionUrl: 'http://127.0.0.1:5002',
    restApiUrl: 'http://127.0.0.1:5001',
  };

  it('is adopted by the first connection request with its settings: no second connect, nothing it said is lost', () => {
    const early = new FakeWorker();
    const started = startEarlySocketWorker(normalised, true, () => early);
    expect(early.posted).toEqual([
      { type: 'connect', settings: normalised, lastEventId: -1, batching: true, token: null, snapshot: true },
    ]);
    early.send({ type: 'connected', reconnect: false });
    early.send({ type: 'data', update: update(0, [0, 1, 2]) });

    const created: FakeWorker[] = [];
    const store = makeStore({
      storage: memoryStorage(),
      adoptWorker: started.adopt,
      createWorker: () => {
        created.push(new FakeWorker());
        return created.at(-1)!;
      },
    });
    store.dispatch(connectRequested(normalised));
    expect(created).toHaveLength(0);
    expect(early.posted).toHaveLength(1);
    expect(store.getState().connection.status).toBe('connected');
    const { keys, byKey } = store.getState().series;
    expect(keys.length).toBeGreaterThan(0);
    expect(Array.from(byKey[keys[0]!]?.byExperiment[0]?.epochs ?? [])).toEqual([0, 1, 2]);

    // another grid search: a worker of its own; the early one is closed
    store.dispatch(connectRequested({ ...normalised, gridSearchId: 'gs-2' }));
    expect(early.terminated).toBe(true);
    expect(created).toHaveLength(1);
    // asking for the first one again makes a fresh worker: the early one is adopted once only
    store.dispatch(connectRequested(normalised));
    expect(created).toHaveLength(2);
  });
});
