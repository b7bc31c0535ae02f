import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { FileEventStorage } from '@mlgym/event-store';
import { SafeNameSchema } from '@mlgym/protocol';
import { createRestApp } from '@mlgym/rest-endpoint';
import { createAccessControl } from '@mlgym/server-security';
import type { AccessControl } from '@mlgym/server-security';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import type { WsEndpoint } from '@mlgym/ws-endpoint';
import { expectWithin } from './responsive.js';

/**
 * Property-based fuzzing of both endpoints on one storage folder. Generated `join`, `mlgym_event`
 * and `mlgym_events` payloads and REST requests (paths, headers, bodies) run against real servers;
 * after every case the websocket server must answer a ping within 100 ms, every event log must
 * agree byte for byte with its in-memory index, nothing may appear outside the storage root (a
 * folder beside it, reachable through symlinks planted in the store, is watched), and no request
 * may end in a 500. It runs twice: open (no tokens), and with a tokens file, where each socket and
 * request carries a generated token (none, unknown, read, write on some grid searches, admin) and
 * nothing beyond a token's scope and grid searches may be accepted. MLGYM_FUZZ_MS sets the time
 * spent (default 20 s, split between the two).
 */
const FUZZ_MS = Number(process.env['MLGYM_FUZZ_MS'] ?? 20_000);
const GS = '2023-06-03--10-26-58';
/** With tokens: what each generated token may do (null: not a valid token). */
const FUZZ_TOKENS: Record<string, { scope: 'read' | 'write' | 'admin'; gs: (id: string) => boolean } | null> = {
  '': null,
  'fuzz-unknown': null,
  'fuzz-read': { scope: 'read', gs: () => true },
  'fuzz-write-g1': { scope: 'write', gs: (id) => id === 'g1' || id.startsWith('g1-') },
  'fuzz-admin': { scope: 'admin', gs: () => true },
};
const TOKENS_FILE = 'fuzz-read read\nfuzz-write-g1 write grid_searches=g1,g1-*\nfuzz-admin admin\n';
/** The sockets of a case: in token mode each has its own token. */
const SOCKET_TOKENS = ['fuzz-admin', 'fuzz-read', 'fuzz-write-g1'];

let base: string;
let root: string;
let outside: string;
let storage: FileEventStorage;
let ws: WsEndpoint;
let wsUrl: string;
let restUrl: string;
let closeRest: () => void;
let access: AccessControl | undefined;
let withTokens = false;
const sockets: Socket[] = [];
let acceptedWs = 0;
let outsideBefore: string;

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

async function setUp(tokens: boolean): Promise<void> {
  withTokens = tokens;
  acceptedWs = 0;
  base = mkdtempSync(join(tmpdir(), 'mlgym-fuzz-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, GS, '0', '1'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.json'), '{"secret": "outside"}');
  // Ways out that an attacker with a shell could plant: the servers must never use them.
  symlinkSync(outside, join(root, 'linkgs'));
  symlinkSync(outside, join(root, GS, '0', '1', '.chunks-evil.bin'));
  symlinkSync(join(outside, 'secret.json'), join(root, GS, '0', '1', 'linked.bin'));
  symlinkSync(join(outside, 'secret.json'), join(root, GS, '0', 'system_info.json'));
  outsideBefore = snapshot(outside);
  if (tokens) {
    const tokensFile = join(mkdtempSync(join(tmpdir(), 'mlgym-fuzz-tokens-')), 'tokens.txt');
    writeFileSync(tokensFile, TOKENS_FILE);
    access = createAccessControl({ tokensFile });
  }
  storage = new FileEventStorage(root, { fsync: 'never', maxOpenLogs: 8 });
  ws = createWsEndpoint({ storage, maxEventBytes: 64 * 1024, historyChunkBytes: 8 * 1024, access });
  wsUrl = `http://127.0.0.1:${await ws.listen(0)}`;
  const app = createRestApp({ storagePath: root, maxUploadBytes: 256 * 1024, maxChunkBytes: 64 * 1024, access });
  await app.init();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  restUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeRest = () => server.close();
  for (let i = 0; i < 3; i++) {
    const s = connect(wsUrl, {
      transports: ['websocket'],
      forceNew: true,
      ...(tokens ? { auth: { token: SOCKET_TOKENS[i] } } : {}),
    });
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    sockets.push(s);
  }
}

async function tearDown(): Promise<void> {
  for (const s of sockets.splice(0)) s.close();
  closeRest();
  await ws.close();
  await storage.close();
  access?.close();
  access = undefined;
}

// ---- generators -------------------------------------------------------------------------------

const inherited = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const gsId = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(GS, 'g1', 'g2', GS, 'g1', ...inherited) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('linkgs', '..', '.', '', 'a/b', '../outside', '%2e%2e', 'x\u0000y', '.hidden'),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/) },
);
const deepArray = fc.integer({ min: 1, max: 3000 }).map((n) => {
  let v: unknown = [];
  for (let i = 1; i < n; i++) v = [v];
  return v;
});
const extra = fc.oneof(fc.jsonValue({ maxDepth: 4 }), deepArray, fc.string({ maxLength: 2000 }));
const jobStatus = fc.record({
  event_type: fc.constant('job_status'),
  creation_ts: fc.oneof({ weight: 5, arbitrary: fc.integer() }, fc.double(), fc.string()),
  payload: fc.record(
    {
      job_id: fc.oneof(fc.string(), fc.integer()),
      job_type: fc.integer(),
      status: fc.constantFrom('INIT', 'RUNNING', 'DONE', 'RUNNING', 'BOGUS'),
      grid_search_id: gsId,
      experiment_id: fc.oneof({ weight: 5, arbitrary: fc.nat(20) }, fc.integer(), fc.string()),
      starting_time: fc.double(),
      finishing_time: fc.double(),
      error: fc.oneof(fc.constant(null), fc.string()),
      stacktrace: fc.constant(null),
      extra: fc.oneof({ weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, extra),
    },
    {
      requiredKeys: [
        'job_id',
        'job_type',
        'status',
        'grid_search_id',
        'experiment_id',
        'starting_time',
        'finishing_time',
        'error',
        'stacktrace',
      ],
    },
  ),
});
const event = fc.oneof({ weight: 4, arbitrary: jobStatus }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) });
const lastEventId = fc.oneof(
  fc.integer({ min: -5, max: 50 }),
  fc.double(),
  fc.constant(1e300),
  fc.dictionary(
    fc.oneof(gsId, fc.constantFrom(...inherited)),
    fc.oneof(fc.integer({ min: -5, max: 50 }), fc.jsonValue()),
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const join_ = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        client_id: fc.string(),
        rooms: fc.array(fc.oneof(gsId, fc.constantFrom('mlgym_event_publishers', 'mlgym_streamed_logger')), {
          maxLength: 6,
        }),
        last_event_id: lastEventId,
        history_format: fc.constantFrom('json', 'jsonl', 'xml'),
      },
      { requiredKeys: ['rooms'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);
const batch = fc.record({
  publisher_id: fc.oneof(fc.constantFrom('p1', 'p2'), fc.string()),
  first_seq: fc.oneof(fc.nat(100), fc.integer(), fc.constant(1e300)),
  events: fc.array(event, { minLength: 0, maxLength: 8 }),
});
const wsOp = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), payload: join_ }),
  fc.record({ kind: fc.constant('mlgym_event' as const), payload: event }),
  fc.record({ kind: fc.constant('mlgym_events' as const), payload: batch }),
  fc.record({ kind: fc.constant('list' as const), payload: fc.constant(null) }),
);

const segment = fc.oneof(
  gsId,
  fc.constantFrom(
    '0',
    '1',
    '5',
    '-1',
    '1e3',
    'experiments',
    'event_storage.log',
    'event_storage.log.lock',
    'publishers.log',
  ),
  fc.constantFrom(
    '.chunks-evil.bin',
    'linked.bin',
    'model.bin',
    'run_config.yml',
    'notes.json',
    'model_card.json',
    '%2e%2e%2f%2e%2e',
    '..%2f..%2foutside',
  ),
);
const num = fc.oneof(fc.nat(3).map(String), segment);
const body = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
  fc.constant(Buffer.alloc(0)),
);
const configBody = fc.oneof(
  fc.record({ file_format: fc.constantFrom('YAML', 'JSON'), content: fc.string({ maxLength: 200 }) }),
  fc.jsonValue({ maxDepth: 3 }),
);
const digestHeader = (name: string) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant('valid'),
    fc.constantFrom(`${name}:garbage`, `${name}:${'0'.repeat(64)}`),
  );
const restOp = fc.oneof(
  fc.record({
    method: fc.constantFrom('GET', 'HEAD'),
    path: fc.oneof(
      fc.constant('/grid_searches'),
      fc.tuple(segment).map(([g]) => `/grid_searches/${g}/experiments`),
      fc.tuple(segment, segment).map(([g, n]) => `/grid_searches/${g}/${n}`),
      fc.tuple(segment, num, segment).map(([g, e, n]) => `/grid_searches/${g}/${e}/${n}`),
      fc.tuple(segment, num).map(([g, e]) => `/checkpoint_list/${g}/${e}`),
      fc.tuple(segment, num, num, segment).map(([g, e, p, r]) => `/checkpoints/${g}/${e}/${p}/${r}`),
      fc.tuple(segment, num, num, segment).map(([g, e, p, r]) => `/checkpoints/${g}/${e}/${p}/${r}/chunks`),
      fc.tuple(segment, num).map(([g, e]) => `/model-card/${g}/${e}`),
      fc.tuple(segment, num).map(([g, e]) => `/system-info/${g}/${e}`),
      fc.tuple(segment, num, fc.constantFrom('json', 'csv', 'x')).map(([g, e, f]) => `/metrics/${g}/${e}?format=${f}`),
    ),
    range: fc.option(
      fc.constantFrom('bytes=0-10', 'bytes=5-', 'bytes=-3', 'bytes=99999-', 'bytes=a-b', 'bytes=0-1,3-4'),
    ),
    body: fc.constant(undefined),
    digest: fc.constant(undefined),
  }),
  fc.record({
    method: fc.constant('PUT-config'),
    path: fc.oneof(
      fc.tuple(segment, segment).map(([g, n]) => `/grid_searches/${g}/${n}`),
      fc.tuple(segment, num, segment).map(([g, e, n]) => `/grid_searches/${g}/${e}/${n}`),
    ),
    range: fc.constant(null),
    body: configBody,
    digest: fc.constant(undefined),
  }),
  fc.record({
    method: fc.constantFrom('PUT', 'POST'),
    path: fc.oneof(
      fc.tuple(segment, num, num, segment).map(([g, e, p, r]) => `/checkpoints/${g}/${e}/${p}/${r}`),
      fc
        .tuple(segment, num, num, segment, fc.nat(4), fc.nat(5), fc.constantFrom(1024, 4096, 0, 999999999))
        .map(
          ([g, e, p, r, id, n, size]) =>
            `/checkpoints/${g}/${e}/${p}/${r}/chunks/${id}?num_chunks=${n}&chunk_size=${size}`,
        ),
      fc.tuple(segment, num, num).map(([g, e, p]) => `/checkpoints/${g}/${e}/${p}`),
    ),
    range: fc.constant(null),
    body,
    digest: fc.oneof(digestHeader('X-Checksum-Sha256'), digestHeader('Content-Digest')),
  }),
  fc.record({
    method: fc.constant('DELETE'),
    path: fc.oneof(
      fc.tuple(segment, num, num).map(([g, e, p]) => `/checkpoints/${g}/${e}/${p}`),
      fc.tuple(segment, num, num, segment).map(([g, e, p, r]) => `/checkpoints/${g}/${e}/${p}/${r}`),
    ),
    range: fc.constant(null),
    body: fc.constant(undefined),
    digest: fc.constant(undefined),
  }),
);
const restOpWithToken = fc
  .tuple(restOp, fc.constantFrom(...Object.keys(FUZZ_TOKENS)))
  .map(([op, token]) => ({ ...op, token }));
type RestOp = typeof restOpWithToken extends fc.Arbitrary<infer T> ? T : never;

/** The grid search a REST path names (its first segment after the route's name), if any. */
function gridSearchOf(path: string): string | undefined {
  const segment = /^\/(?:grid_searches|checkpoints|checkpoint_list|model-card|system-info|metrics)\/([^/?]+)/.exec(
    path,
  )?.[1];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** With tokens: whether a request the server accepted was one its token allowed. */
function restAllowed(op: RestOp, status: number): void {
  if (!withTokens) return;
  const token = FUZZ_TOKENS[op.token];
  if (token === null || token === undefined) {
    expect(status, `${op.method} ${op.path} with token "${op.token}"`).toBe(401);
    return;
  }
  if (status >= 300) return;
  // what was requested, as fetch sends it: `%2e%2e` and `..` segments are resolved before it leaves
  const path = new URL(op.path, 'http://endpoint').pathname;
  const method = op.method === 'PUT-config' ? 'PUT' : op.method;
  const need =
    method === 'GET' || method === 'HEAD'
      ? 'read'
      : /^\/checkpoints\/[^/]+\/[^/]+\/[^/]+\/[^/?]+$/.test(path) && method === 'DELETE'
        ? 'admin'
        : 'write';
  const rank = { read: 0, write: 1, admin: 2 };
  expect(rank[token.scope] >= rank[need], `${op.method} ${path} served to ${op.token}`).toBe(true);
  const gs = gridSearchOf(path);
  if (gs !== undefined) expect(token.gs(gs), `${op.method} ${path} served to ${op.token}`).toBe(true);
}

/** With tokens: whether what a socket got accepted was within its token's scope and grid searches. */
function wsAllowed(who: number, op: { kind: string; payload: unknown }, reply: { ok?: boolean } | undefined): void {
  if (!withTokens || !reply?.ok) return;
  const token = FUZZ_TOKENS[SOCKET_TOKENS[who] as string];
  if (!token) throw new Error('every fuzz socket has a valid token');
  let shown: string;
  try {
    shown = JSON.stringify(op.payload)?.slice(0, 200) ?? '';
  } catch {
    shown = '(too deep to show)';
  }
  const where = `${op.kind} accepted from ${SOCKET_TOKENS[who]}: ${shown}`;
  if (op.kind === 'mlgym_event' || op.kind === 'mlgym_events') {
    expect(token.scope, where).not.toBe('read');
    const events = op.kind === 'mlgym_event' ? [op.payload] : (op.payload as { events: unknown[] }).events;
    for (const e of events) {
      const gs = (e as { payload: { grid_search_id: string } }).payload.grid_search_id;
      expect(token.gs(gs), where).toBe(true);
    }
  } else if (op.kind === 'join') {
    const rooms = (op.payload as { rooms: string[] }).rooms;
    // Rooms that are not grid search ids are refused on their own (STORAGE_PATH_UNSAFE) within an accepted join.
    for (const room of rooms.filter((r) => SafeNameSchema.safeParse(r).success)) {
      if (room !== 'mlgym_event_publishers' && room !== 'mlgym_streamed_logger')
        expect(token.gs(room), where).toBe(true);
    }
  }
}

// ---- running and checking ---------------------------------------------------------------------

async function runWs(who: number, op: { kind: string; payload: unknown }): Promise<void> {
  const socket = sockets[who] as Socket;
  const name = op.kind === 'list' ? 'list_grid_searches' : op.kind;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no acknowledgement of ${name} ${JSON.stringify(op.payload)?.slice(0, 300)}`)),
      3000,
    );
    const done = (reply?: { ok?: boolean }) => {
      clearTimeout(timer);
      if (reply?.ok) acceptedWs++;
      try {
        wsAllowed(who, op, reply);
        resolve();
      } catch (error) {
        reject(error as Error);
      }
    };
    if (op.kind === 'list') socket.emit(name, done);
    else socket.emit(name, op.payload, done);
  });
}

async function runRest(op: RestOp): Promise<number> {
  const headers: Record<string, string> = {};
  if (op.range) headers['Range'] = op.range;
  if (withTokens && op.token !== '') headers['Authorization'] = `Bearer ${op.token}`;
  let method = op.method === 'PUT-config' ? 'PUT' : op.method;
  let payload: BodyInit | undefined;
  if (op.method === 'PUT-config') {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(op.body);
  } else if (op.method === 'POST' && op.body instanceof Buffer) {
    const form = new FormData();
    form.append('checkpoint_file', new Blob([op.body]), 'model.bin');
    payload = form;
  } else if (op.body instanceof Buffer) {
    payload = op.body;
  }
  if (typeof op.digest === 'string') {
    const [header, value] =
      op.digest === 'valid'
        ? [
            'X-Checksum-Sha256',
            createHash('sha256')
              .update((op.body as Buffer | undefined) ?? Buffer.alloc(0))
              .digest('hex'),
          ]
        : op.digest.split(/:(.*)/s);
    headers[header as string] = value as string;
  }
  method = method === 'HEAD' ? 'HEAD' : method;
  const res = await fetch(`${restUrl}${op.path}`, {
    method,
    headers,
    body: payload,
    signal: AbortSignal.timeout(5000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** A socket.io ping and its pong. */
function pingPong(socket: Socket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no pong within 10 s')), 10_000);
    socket.once('pong', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.emit('ping');
  });
}

/** Strings in a payload that could name a grid search (its logs are the ones a case may have touched). */
function namesIn(value: unknown, out: Set<string>, depth = 0): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (value && typeof value === 'object' && depth < 8) {
    for (const child of Object.values(value)) namesIn(child, out, depth + 1);
  }
  return out;
}

/** Each log equals, byte for byte, what its index serves, and its length is its line count. */
async function logsAgree(names: Iterable<string>): Promise<void> {
  for (const name of names) {
    if (!storage.has(name)) continue;
    const log = await storage.log(name);
    const served: Buffer[] = [];
    for await (const chunk of log.readRaw()) served.push(chunk.bytes);
    const onDisk = readFileSync(join(root, name, 'event_storage.log'));
    expect(Buffer.concat(served).equals(onDisk), `log ${name} differs from its index`).toBe(true);
    expect(log.length).toBe(onDisk.toString('utf8').split('\n').length - 1);
  }
}

function nothingOutside(): void {
  expect(readdirSync(base).sort()).toEqual(['outside', 'root']);
  expect(snapshot(outside)).toBe(outsideBefore);
  expect(statSync(join(root, 'linkgs')).isDirectory()).toBe(true);
}

describe.each([
  ['open', false],
  ['with tokens', true],
] as const)('endpoint fuzzing (fast-check), %s', (_mode, tokens) => {
  const ms = FUZZ_MS / 2;
  beforeAll(() => setUp(tokens));
  afterAll(() => tearDown());

  it(
    `keeps both servers responsive, logs consistent, the store closed${tokens ? ' and every token within its scope' : ''} for ${ms} ms of generated input`,
    async () => {
      let cases = 0;
      let slowest = 0;
      const status = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(wsOp, restOpWithToken), { minLength: 1, maxLength: 6 }),
          fc.nat(2),
          async (ops, who) => {
            cases++;
            for (const op of ops) {
              if ('kind' in op) await runWs(who, op);
              else {
                const code = await runRest(op);
                status.set(code, (status.get(code) ?? 0) + 1);
                expect(code, `${op.method} ${op.path}`).not.toBe(500);
                restAllowed(op, code);
              }
            }
            // Tries a loaded machine delayed are repeated (and counted); a busy or blocked server fails.
            const ms = await expectWithin('fuzz ping', 100, () => pingPong(sockets[(who + 1) % 3] as Socket));
            slowest = Math.max(slowest, ms);
            await logsAgree(
              namesIn(
                ops.map((op) => ('kind' in op ? op : op.path.split(/[/?]/))),
                new Set(),
              ),
            );
            nothingOutside();
          },
        ),
        { interruptAfterTimeLimit: ms, markInterruptAsFailure: false, numRuns: 1_000_000, endOnFailure: true },
      );
      console.log(
        `fuzz (${_mode}): ${cases} cases in ${ms} ms, ${acceptedWs} websocket requests accepted, slowest ping ${slowest.toFixed(1)} ms, statuses ${JSON.stringify(Object.fromEntries(status))}`,
      );
      expect(cases).toBeGreaterThan(10);
      if (tokens) {
        // Tokens of every kind were tried, and some requests got through.
        expect(status.get(401)).toBeGreaterThan(0);
        expect(acceptedWs).toBeGreaterThan(0);
      }
    },
    ms + 60_000,
  );
});
