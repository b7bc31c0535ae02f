// Long-running processes of `npm start` and the soak: each app in its own process group (so stopping it stops
// whatever it started), started through its committed bin, ready when its start line appears.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '..', '..');

/** The bin an app's package.json names (`apps/<app>/bin/<app>.mjs`), or undefined when the app is absent. */
export function appBin(app) {
  const manifest = join(repo, 'apps', app, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  const file = typeof bin === 'string' ? bin : bin?.[app];
  return file ? join(repo, 'apps', app, file) : undefined;
}

async function listenable(port) {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(undefined));
    server.listen(port, '127.0.0.1', () => {
      const bound = server.address().port;
      server.close(() => done(bound));
    });
  });
}

/** `preferred` when it is free on 127.0.0.1 (or when `preferred` is undefined, any), else a free port. */
export async function pickPort(preferred) {
  return (preferred !== undefined && (await listenable(preferred))) || (await listenable(0));
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Every process group started here and not yet gone, so a signal handler can stop them all at any moment. */
export const live = new Set();

/**
 * Starts `node <bin> ...args` as the leader of a new process group. Resolves once `ready` matches its output
 * (stdout or stderr), with the match; rejects if it exits first or `timeoutMs` passes. `echo` receives every
 * output line (e.g. to prefix and print it).
 * @param {{ name: string, bin: string, args: string[], env?: Record<string, string>, ready?: RegExp,
 *   timeoutMs?: number, echo?: (line: string) => void, stdio?: 'pipe' | 'inherit' }} options
 */
export function startProcess({ name, bin, args, env, ready, timeoutMs = 120_000, echo, stdio = 'pipe' }) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    detached: true,
    stdio: stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : stdio,
  });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let text = '';
  const service = {
    name,
    child,
    exited,
    output: () => text,
    /**
     * Signals the whole group (or, with `leaderOnly`, the leader, which stops what it started itself: `mlgym run`
     * stops its pool workers on SIGINT); SIGKILLs what is left of the group after `graceMs`. Resolves when gone.
     */
    async stop(signal = 'SIGTERM', graceMs = 10_000, { leaderOnly = false } = {}) {
      if (leaderOnly) child.kill(signal);
      else signalGroup(child.pid, signal);
      const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The leader is gone; anything it started (pool workers) goes with it.
      for (let i = 0; i < 100 && groupAlive(child.pid); i++) {
        if (i === 20) signalGroup(child.pid, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 50));
      }
      signalGroup(child.pid, 'SIGKILL');
    },
    kill: () => signalGroup(child.pid, 'SIGKILL'),
  };
  live.add(service);
  void exited.then(() => {
    // Pool workers may outlive their leader for a moment; the group is dropped once it is empty.
    const drop = () => (groupAlive(child.pid) ? setTimeout(drop, 100) : live.delete(service));
    drop();
  });
  const onText = (chunk) => {
    const piece = chunk.toString();
    text += piece;
    if (echo) for (const line of piece.split('\n').filter(Boolean)) echo(line);
  };
  child.stdout?.on('data', onText);
  child.stderr?.on('data', onText);
  if (!ready) return Promise.resolve({ ...service, match: undefined });
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} did not start within ${timeoutMs} ms:\n${text}`)),
      timeoutMs,
    );
    const check = () => {
      const match = ready.exec(text);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        done({ ...service, match });
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${text}`));
    });
  });
}

const LISTENING = /listening on (http:\/\/[^\s:]+:\d+)/;
const BOARD_URL = /====> ACCESS MLBOARD VIA (\S+)/;

/**
 * The MLboard services on one storage folder: ml_board_ws_endpoint, ml_board_rest_endpoint and, when
 * apps/ml_board is in the tree, ml_board. `ports` are preferred ports (taken when free, else free ones).
 * @param {{ storage: string, ports?: { ws?: number, rest?: number, board?: number }, runId?: string,
 *   echo?: (name: string, line: string) => void, env?: Record<string, string> }} options
 */
export async function startBoardServices({ storage, ports = {}, runId, echo, env }) {
  const boardBin = appBin('ml_board');
  const wsPort = await pickPort(ports.ws);
  const restPort = await pickPort(ports.rest);
  const boardPort = boardBin ? await pickPort(ports.board) : undefined;
  const origins = boardPort ? [`http://127.0.0.1:${boardPort}`, `http://localhost:${boardPort}`] : [];
  const cors = origins.length ? ['--cors_allowed_origins', ...origins] : [];
  const specs = {
    ws: {
      name: 'ml_board_ws_endpoint',
      bin: appBin('ml_board_ws_endpoint'),
      args: ['--port', String(wsPort), '--event_storage_path', storage, ...cors],
      ready: LISTENING,
    },
    rest: {
      name: 'ml_board_rest_endpoint',
      bin: appBin('ml_board_rest_endpoint'),
      args: ['--port', String(restPort), '--event_storage_path', storage, ...cors],
      ready: LISTENING,
    },
  };
  const wsUrl = `http://127.0.0.1:${wsPort}`;
  const restUrl = `http://127.0.0.1:${restPort}`;
  if (boardBin) {
    specs.board = {
      name: 'ml_board',
      bin: boardBin,
      args: [
        ...['--ml_board_host', '127.0.0.1', '--ml_board_port', String(boardPort)],
        ...['--rest_endpoint', restUrl, '--ws_endpoint', wsUrl],
        ...(runId ? ['--run_id', runId] : []),
      ],
      ready: BOARD_URL,
    };
  }
  const start = (key) => startProcess({ ...specs[key], env, echo: echo && ((line) => echo(specs[key].name, line)) });
  /** @type {Record<'ws' | 'rest' | 'board', Awaited<ReturnType<typeof startProcess>>>} */
  const running = /** @type {any} */ ({});
  try {
    for (const key of Object.keys(specs)) running[key] = await start(key);
  } catch (error) {
    await Promise.all(Object.values(running).map((s) => s.stop()));
    throw error;
  }
  return {
    wsUrl,
    restUrl,
    boardUrl: running.board?.match[1],
    services: running,
    /** Starts a service again (after it was killed) on the same port and storage. */
    async restart(key) {
      running[key] = await start(key);
      return running[key];
    },
    async stopAll(signal = 'SIGTERM') {
      await Promise.all(Object.values(running).map((s) => s.stop(signal)));
    },
  };
}
