import { describe, expect, it } from 'vitest';
import { FakeWorker, memoryStorage } from '../../test/fakes';
import { writeToken } from '../auth/tokenStorage';
import { api, describeRestError } from './api';
import { makeStore } from '../../app/store';
import { storedFilesApi } from './storedFiles';

/**
 * Endpoints answering by origin, as `fetch` would get them: each answers every path with its status and
 * body, and records the Authorization header of each request it got.
 */
function endpoints(answers: Record<string, { status: number; body: unknown }>) {
  const seen: Record<string, Array<string | null>> = {};
  const fetchFn: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    const origin = new URL(request.url).origin;
    const answer = answers[origin];
    if (!answer) return Promise.reject(new TypeError('Failed to fetch'));
    (seen[origin] ??= []).push(request.headers.get('authorization'));
    return Promise.resolve(
      new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
  const tokens = memoryStorage();
  const store = makeStore({ storage: memoryStorage(), tokens, fetchFn, createWorker: () => new FakeWorker() });
  return { store, tokens, seen };
}

const A = 'http://127.0.0.1:5001';
const B = 'http://127.0.0.1:6001';

describe('REST answers are checked against the protocol', () => {
  it('a checkpoint list with null entries is an error naming what was wrong, not data', async () => {
    const { store } = endpoints({
      [A]: { status: 200, body: [null, { experiment_id: 0, epoch: 'one', checkpoints: [] }] },
    });
    const result = await store.dispatch(
      storedFilesApi.endpoints.checkpointList.initiate({ rest: A, gs: 'gs', exp: 0 }),
    );
    expect(result.data).toBeUndefined();
    const text = describeRestError(result.error);
    expect(text).toMatch(/^the endpoint's answer to checkpointList is not what the protocol says: at 0: /);
    expect(text).toContain('at 1.epoch:');
  });

  it('a grid-search list of the wrong shape and a config that is not an object are errors too', async () => {
    const { store } = endpoints({ [A]: { status: 200, body: { grid_searches: [] } }, [B]: { status: 200, body: [1] } });
    const r1 = await store.dispatch(api.endpoints.gridSearches.initiate(A));
    expect(describeRestError(r1.error)).toMatch(/answer to gridSearches is not what the protocol says/);
    const r2 = await store.dispatch(storedFilesApi.endpoints.systemInfo.initiate({ rest: B, gs: 'gs', exp: 0 }));
    expect(describeRestError(r2.error)).toMatch(/answer to systemInfo is not what the protocol says/);
  });
});

describe('tokens on REST requests', () => {
  it('the token entered for an origin goes to that origin only, as Authorization: Bearer', async () => {
    const { store, tokens, seen } = endpoints({ [A]: { status: 200, body: [] }, [B]: { status: 200, body: [] } });
    writeToken(tokens, A, 's3cret');
    await store.dispatch(api.endpoints.gridSearches.initiate(A));
    await store.dispatch(api.endpoints.gridSearches.initiate(B));
    expect(seen).toEqual({ [A]: ['Bearer s3cret'], [B]: [null] });
  });

  it('a 401 of the contract asks for a token for that endpoint; a 403 is said plainly', async () => {
    const { store } = endpoints({
      [A]: { status: 401, body: { code: 'AUTH_REQUIRED', message: 'a token is required' } },
      [B]: { status: 403, body: { code: 'AUTH_FORBIDDEN', message: 'scope read may not write' } },
    });
    const r = await store.dispatch(api.endpoints.gridSearches.initiate(A));
    expect(store.getState().auth.prompt).toEqual({
      origin: A,
      kind: 'REST',
      code: 'AUTH_REQUIRED',
      message: 'a token is required',
    });
    expect(describeRestError(r.error)).toBe('HTTP 401, access refused (AUTH_REQUIRED): a token is required');
    const r2 = await store.dispatch(api.endpoints.gridSearches.initiate(B));
    expect(describeRestError(r2.error)).toBe('HTTP 403, access refused (AUTH_FORBIDDEN): scope read may not write');
    expect(store.getState().auth.refused[B]?.code).toBe('AUTH_FORBIDDEN');
  });
});
