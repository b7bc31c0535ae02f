import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import { REST_ROUTES, WS_HTTP_ROUTES, WS_MESSAGE_SCOPES, authErrorBodySchema, scopeAllows } from '@mlgym/protocol';
import type { ClientToServerEvents, RestRoute, TokenScope } from '@mlgym/protocol';
import { createRestApp } from '@mlgym/rest-endpoint';
import { createAccessControl } from '@mlgym/server-security';
import type { AccessControl } from '@mlgym/server-security';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import type { WsEndpoint } from '@mlgym/ws-endpoint';

/**
 * Every route of both endpoints, driven from the protocol's own lists (REST_ROUTES, WS_MESSAGE_SCOPES,
 * WS_HTTP_ROUTES): each is refused without a token, with an unknown one, with a token of too small a scope and
 * with one limited to another grid search, and nothing is stored by a refused request. The lists are checked
 * against what the servers actually registered, so a route added without a scope, or beside the lists, fails here.
 */

const GS = '2024-06-01--12-00-00';
/** One token per scope on every grid search, and an admin token limited to other grid searches. */
const TOKENS: Record<TokenScope | 'other', string> = {
  read: 'tok-read',
  write: 'tok-write',
  admin: 'tok-admin',
  other: 'tok-admin-other',
};
const SCOPES: TokenScope[] = ['read', 'write', 'admin'];

let root: string;
let storage: FileEventStorage;
let access: AccessControl;
let ws: WsEndpoint;
let wsUrl: string;
let restUrl: string;
let rest: Server;
let restApp: ReturnType<typeof createRestApp>;
const registeredEvents = new Set<string>();

function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

const jobStatus = (gs: string) => ({
  event_type: 'job_status',
  creation_ts: 1,
  payload: {
    job_id: 0,
    job_type: 1,
    status: 'RUNNING',
    grid_search_id: gs,
    experiment_id: 0,
    starting_time: 0,
    finishing_time: 0,
    error: null,
    stacktrace: null,
  },
});

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mlgym-every-route-'));
  const tokensFile = join(mkdtempSync(join(tmpdir(), 'mlgym-every-route-tokens-')), 'tokens.txt');
  writeFileSync(
    tokensFile,
    [
      `${TOKENS.read} read name=r`,
      `${TOKENS.write} write name=w`,
      `${TOKENS.admin} admin name=a`,
      `${TOKENS.other} admin name=o grid_searches=other-*`,
    ].join('\n'),
  );
  access = createAccessControl({ tokensFile });
  storage = new FileEventStorage(root, { fsync: 'never' });
  ws = createWsEndpoint({ storage, access });
  ws.io.on('connection', (socket) => {
    // What the server registered for this connection, once its own handlers are in place.
    setImmediate(() => {
      for (const name of socket.eventNames()) registeredEvents.add(String(name));
    });
  });
  wsUrl = `http://127.0.0.1:${await ws.listen(0)}`;
  restApp = createRestApp({ storagePath: root, access });
  await restApp.init();
  rest = restApp.listen(0, '127.0.0.1');
  await new Promise((r) => rest.once('listening', r));
  restUrl = `http://127.0.0.1:${(rest.address() as AddressInfo).port}`;
  // Something to read on the right grid search.
  const headers = { Authorization: `Bearer ${TOKENS.admin}`, 'Content-Type': 'application/json' };
  const config = JSON.stringify({ file_format: 'YAML', content: 'a: 1' });
  await fetch(`${restUrl}/grid_searches/${GS}/run_config.yml`, { method: 'PUT', headers, body: config });
  await fetch(`${restUrl}/grid_searches/${GS}/0/experiment_config.json`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ file_format: 'JSON', content: '{}' }),
  });
  await fetch(`${restUrl}/checkpoints/${GS}/0/1/model.bin`, {
    method: 'PUT',
    headers: { Authorization: headers.Authorization },
    body: 'weights',
  });
  await (await storage.log(GS)).append([jobStatus(GS)]);
});

afterAll(async () => {
  rest.close();
  await ws.close();
  await storage.close();
  access.close();
});

// ---- REST -------------------------------------------------------------------------------------

const SAMPLE_PARAMS: Record<string, string> = {
  gs: GS,
  exp: '0',
  epoch: '1',
  resource: 'model.bin',
  chunk_id: '0',
};

function restRequest(route: RestRoute): { url: string; init: RequestInit } {
  const path = route.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    if (name === 'config_name') return route.path.includes(':exp/') ? 'experiment_config.json' : 'run_config.yml';
    const value = SAMPLE_PARAMS[name];
    if (value === undefined) throw new Error(`no sample value for :${name} of ${route.path}: add one`);
    return value;
  });
  const query = route.path.endsWith(':chunk_id') ? '?num_chunks=1' : route.query ? '?format=json' : '';
  let body: BodyInit | undefined;
  const headers: Record<string, string> = {};
  if (route.body && 'json' in route.body) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify({ file_format: 'YAML', content: 'b: 2' });
  } else if (route.body?.mediaType === 'multipart/form-data') {
    const form = new FormData();
    form.append('checkpoint_file', new Blob(['evil']), 'evil.bin');
    body = form;
  } else if (route.body) {
    body = 'evil bytes';
  }
  return { url: `${restUrl}${path}${query}`, init: { method: route.method.toUpperCase(), headers, body } };
}

async function restCall(route: RestRoute, token?: string) {
  const { url, init } = restRequest(route);
  const headers = {
    ...(init.headers as Record<string, string>),
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  };
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, text, www: res.headers.get('www-authenticate') };
}

function refusal(text: string) {
  return authErrorBodySchema.parse(JSON.parse(text));
}

const routeName = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

describe('every REST route of REST_ROUTES', () => {
  it('the REST endpoint registers exactly the routes of REST_ROUTES', () => {
    const registered = new Set<string>();
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        if (layer.route) {
          for (const [method, on] of Object.entries(layer.route.methods))
            if (on && method !== '_all') registered.add(`${method.toUpperCase()} ${layer.route.path}`);
        } else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((restApp as unknown as { router: { stack: Layer[] } }).router.stack);
    expect([...registered].sort()).toEqual([...new Set(REST_ROUTES.map(routeName))].sort());
  });

  describe.each(REST_ROUTES.map((r) => [routeName(r), r] as const))('%s', (_name, route) => {
    if (route.scope === null) {
      it('is answered without a token', async () => {
        expect((await restCall(route)).status).toBe(200);
      });
      return;
    }
    const need = route.scope;
    const smaller = SCOPES.filter((s) => !scopeAllows(s, need));

    it(`is refused without a token (401), with an unknown one (401), below ${need} (403) and on another grid search (403); nothing stored`, async () => {
      const before = snapshot(root);
      const none = await restCall(route);
      expect([none.status, refusal(none.text).code, none.www]).toEqual([401, 'AUTH_REQUIRED', 'Bearer']);
      const unknown = await restCall(route, 'tok-unknown');
      expect([unknown.status, refusal(unknown.text).code]).toEqual([401, 'AUTH_INVALID']);
      for (const scope of smaller) {
        const small = await restCall(route, TOKENS[scope]);
        expect([small.status, refusal(small.text).code], `${scope} token`).toEqual([403, 'AUTH_FORBIDDEN']);
        expect(refusal(small.text).message).toContain(`needs ${need}`);
      }
      if (route.path.includes(':gs')) {
        const other = await restCall(route, TOKENS.other);
        expect([other.status, refusal(other.text).code]).toEqual([403, 'AUTH_FORBIDDEN']);
        expect(refusal(other.text).message).toContain(`${GS} is not one of them`);
      } else {
        // A store-wide route shows such a token nothing of the grid searches it may not read.
        expect((await restCall(route, TOKENS.other)).text).not.toContain(GS);
      }
      expect(snapshot(root)).toBe(before);
    });

    it(`is served with a ${need} token`, async () => {
      const served = await restCall(route, TOKENS[need]);
      expect([401, 403], served.text).not.toContain(served.status);
      expect(served.status, served.text).toBeLessThan(500);
    });
  });
});

// ---- websocket messages --------------------------------------------------------------------------

/** A valid payload for each message; keyed by every message, so a new one needs an entry here. */
const SAMPLES: { [K in keyof ClientToServerEvents]: (gs: string) => unknown[] } = {
  join: (gs) => [{ rooms: [gs] }],
  leave: () => [],
  ping: () => [],
  mlgym_event: (gs) => [jobStatus(gs)],
  mlgym_events: (gs) => [{ publisher_id: `p-${Math.random()}`, first_seq: 0, events: [jobStatus(gs)] }],
  list_grid_searches: () => [],
};
const NAMES_GRID_SEARCH = new Set(['join', 'mlgym_event', 'mlgym_events']);

function socketFor(token?: string, url = wsUrl): Socket {
  return connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(token ? { auth: { token } } : {}),
  });
}

function handshake(socket: Socket): Promise<{ code?: string }> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({}));
    socket.once('connect_error', (e: Error & { data?: { code: string } }) => resolve({ code: e.data?.code }));
  });
}

/** Sends a message and resolves with the refusal it got (`mlgym_error`), or with its acknowledgement. */
async function send(socket: Socket, name: keyof ClientToServerEvents, gs: string) {
  return new Promise<{ error?: { code: string; message: string }; ack?: unknown }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${name}`)), 5000);
    socket.once('mlgym_error', (error: { code: string; message: string }) => {
      clearTimeout(timer);
      resolve({ error });
    });
    socket.emit(name, ...SAMPLES[name](gs), (ack: unknown) => {
      setTimeout(() => {
        clearTimeout(timer);
        resolve({ ack });
      }, 20);
    });
  });
}

describe('every websocket message of WS_MESSAGE_SCOPES', () => {
  it('the server handles exactly the messages of WS_MESSAGE_SCOPES', async () => {
    const socket = socketFor(TOKENS.read);
    await handshake(socket);
    await new Promise((r) => setTimeout(r, 50));
    socket.close();
    // socket.io's own `error` listener aside
    registeredEvents.delete('error');
    expect([...registeredEvents].sort()).toEqual(Object.keys(WS_MESSAGE_SCOPES).sort());
  });

  it('no message can be sent without a token or with an unknown one: the handshake is refused', async () => {
    for (const [token, code] of [
      [undefined, 'AUTH_REQUIRED'],
      ['tok-unknown', 'AUTH_INVALID'],
    ] as const) {
      const socket = socketFor(token);
      expect(await handshake(socket)).toEqual({ code });
      expect(socket.connected).toBe(false);
      socket.close();
    }
  });

  describe.each(Object.entries(WS_MESSAGE_SCOPES) as Array<[keyof ClientToServerEvents, TokenScope | null]>)(
    '%s',
    (name, need) => {
      if (need === null) {
        it('may be sent by any connection', async () => {
          const socket = socketFor(TOKENS.read);
          await handshake(socket);
          const answered = new Promise<void>((resolve) => {
            socket.once('pong', () => resolve());
            socket.once('disconnect', () => resolve());
          });
          socket.emit(name, ...SAMPLES[name](GS));
          await answered;
          socket.close();
        });
        return;
      }
      const smaller = SCOPES.filter((s) => !scopeAllows(s, need));

      it(`is refused below ${need} and on another grid search, storing nothing; a connection without a token on a public-reads server needs one to send it unless it reads`, async () => {
        const before = snapshot(root);
        for (const scope of smaller) {
          const socket = socketFor(TOKENS[scope]);
          await handshake(socket);
          const answer = await send(socket, name, GS);
          expect(answer.error?.code, `${scope} token`).toBe('AUTH_FORBIDDEN');
          socket.close();
        }
        const other = socketFor(TOKENS.other);
        await handshake(other);
        const answer = await send(other, name, GS);
        if (NAMES_GRID_SEARCH.has(name)) {
          expect(answer.error?.code).toBe('AUTH_FORBIDDEN');
          expect(answer.error?.message).toContain(`${GS} is not one of them`);
        } else {
          expect(JSON.stringify(answer.ack)).not.toContain(GS);
        }
        other.close();
        expect(snapshot(root)).toBe(before);
      });

      it(`is served with a ${need} token`, async () => {
        const socket = socketFor(TOKENS[need]);
        await handshake(socket);
        const answer = await send(socket, name, GS);
        expect(answer.error).toBeUndefined();
        expect(JSON.stringify(answer.ack)).toMatch(/"ok":true|grid_search_id/);
        socket.close();
      });
    },
  );

  it('with --public_reads a connection without a token may send only what needs read', async () => {
    const publicAccess = createAccessControl({ token: 'x', publicReads: true });
    const publicWs = createWsEndpoint({ storage, access: publicAccess });
    const url = `http://127.0.0.1:${await publicWs.listen(0)}`;
    try {
      const before = snapshot(root);
      for (const [name, need] of Object.entries(WS_MESSAGE_SCOPES) as Array<
        [keyof ClientToServerEvents, TokenScope | null]
      >) {
        if (need === null) continue;
        const socket = socketFor(undefined, url);
        expect(await handshake(socket)).toEqual({});
        const answer = await send(socket, name, GS);
        expect(answer.error?.code, name).toBe(need === 'read' ? undefined : 'AUTH_REQUIRED');
        socket.close();
      }
      expect(snapshot(root)).toBe(before);
    } finally {
      await publicWs.close();
      publicAccess.close();
    }
  });
});

// ---- HTTP routes of the websocket endpoint --------------------------------------------------------

describe('every HTTP route of the websocket endpoint (WS_HTTP_ROUTES)', () => {
  // A POST sends a valid request of its route (an edit of the grid search's tags).
  const BODIES: Record<string, unknown> = { '/annotations/:gs': { experiment_id: null, add_tags: ['checked'] } };
  const send = async (route: (typeof WS_HTTP_ROUTES)[number], token?: string) => {
    const res = await fetch(`${wsUrl}${route.path.replace(':gs', GS)}`, {
      method: route.method.toUpperCase(),
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(route.method === 'post' ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(route.method === 'post' ? { body: JSON.stringify(BODIES[route.path]) } : {}),
    });
    return { status: res.status, text: await res.text() };
  };

  describe.each(WS_HTTP_ROUTES.map((r) => [routeName(r), r] as const))('%s', (_name, route) => {
    if (route.scope === null) {
      it('is answered without a token', async () => {
        expect((await send(route)).status).toBe(200);
      });
      return;
    }
    it('is refused without a token, with an unknown one, below its scope and on another grid search; served with it', async () => {
      const before = snapshot(root);
      const none = await send(route);
      expect([none.status, refusal(none.text).code]).toEqual([401, 'AUTH_REQUIRED']);
      const unknown = await send(route, 'tok-unknown');
      expect([unknown.status, refusal(unknown.text).code]).toEqual([401, 'AUTH_INVALID']);
      for (const scope of SCOPES.filter((s) => !scopeAllows(s, route.scope as TokenScope))) {
        expect((await send(route, TOKENS[scope])).status).toBe(403);
      }
      const other = await send(route, TOKENS.other);
      expect([other.status, refusal(other.text).code]).toEqual([403, 'AUTH_FORBIDDEN']);
      expect(snapshot(root)).toBe(before);
      expect((await send(route, TOKENS[route.scope as TokenScope])).status).toBe(200);
    });
  });
});
