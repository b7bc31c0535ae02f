import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { ManagerOptions } from 'socket.io-client';
import { whoamiResponseSchema } from '@mlgym/protocol';
import { selfSignedCertificate } from '@mlgym/server-security/testing';
import { repo, startApp, stopped, until } from './helpers.js';
import type { Started } from './helpers.js';

const ENDPOINTS = ['ml_board_ws_endpoint', 'ml_board_rest_endpoint'] as const;
const running: Started[] = [];
afterEach(async () => {
  for (const app of running.splice(0)) {
    app.child.kill('SIGTERM');
    await stopped(app.child);
  }
});

async function start(name: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Started> {
  const app = await startApp(name, args, env);
  running.push(app);
  return app;
}

const storage = () => mkdtempSync(join(tmpdir(), 'mlgym-secure-'));
const cli = (name: string) => resolve(repo, 'apps', name, 'dist/cli.js');
function runCli(name: string, args: string[], env: Record<string, string> = {}) {
  const clean = { ...process.env };
  delete clean['ML_BOARD_AUTH_TOKEN'];
  return spawnSync(process.execPath, [cli(name), ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...clean, ...env },
  });
}

function httpsGet(url: string, ca: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolvePromise, reject) => {
    const req = httpsRequest(url, { ca, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the endpoints refuse to serve beyond loopback without a token', () => {
  it.each(ENDPOINTS)('%s --host 0.0.0.0 without a token: one line on stderr, exit 2, nothing bound', (name) => {
    const r = runCli(name, ['--host', '0.0.0.0', '--port', '0', '--event_storage_path', storage()]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^${name}: --host 0\\.0\\.0\\.0 accepts connections from other machines, and no token is configured.*--insecure_no_auth.*\\n$`,
      ),
    );
  });

  it.each(ENDPOINTS)(
    '%s starts beyond loopback with a token, ML_BOARD_AUTH_TOKEN or --insecure_no_auth',
    async (name) => {
      const withFlag = await start(name, [
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--event_storage_path',
        storage(),
        '--auth_token',
        't0k',
      ]);
      expect(withFlag.output()).toContain('requests need a token');
      const open = await start(name, [
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--event_storage_path',
        storage(),
        '--insecure_no_auth',
      ]);
      expect(open.output()).toContain('no token needed');
      // The environment's token counts as --auth_token, and then every request needs it.
      const local = await start(name, ['--host', '0.0.0.0', '--port', '0', '--event_storage_path', storage()], {
        ...process.env,
        ML_BOARD_AUTH_TOKEN: 't0k',
      });
      const who = async (token?: string) =>
        whoamiResponseSchema.parse(
          await (
            await fetch(`http://127.0.0.1:${local.port}/whoami`, {
              headers: token ? { Authorization: `Bearer ${token}` } : {},
            })
          ).json(),
        );
      expect(await who()).toMatchObject({ auth_required: true, scope: null });
      expect(await who('t0k')).toMatchObject({ scope: 'admin', name: null });
      const list = await fetch(
        name === 'ml_board_rest_endpoint'
          ? `http://127.0.0.1:${local.port}/grid_searches`
          : `http://127.0.0.1:${local.port}/history/x`,
      );
      expect(list.status).toBe(401);
    },
  );

  it.each(ENDPOINTS)('%s does not start on a tokens file it cannot use, naming the line', (name) => {
    const file = join(storage(), 'tokens.txt');
    writeFileSync(file, 'good read\nbad-line\n');
    const r = runCli(name, ['--port', '0', '--event_storage_path', storage(), '--auth_tokens_file', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `${name}: ${file}:2: a token without a scope (expected ${'<token or sha256:<hex>> <read|write|admin> [name=<name>] [grid_searches=<pattern>,<pattern>…]'})\n`,
    );
    const missing = runCli(name, [
      '--port',
      '0',
      '--event_storage_path',
      storage(),
      '--auth_tokens_file',
      `${file}.nope`,
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('the tokens file cannot be read (ENOENT)');
  });
});

describe('TLS on the three servers', () => {
  it('serves https (and wss) with --tls_cert/--tls_key; a certificate without its key does not start', async () => {
    const dir = storage();
    const tls = selfSignedCertificate(dir);
    const flags = ['--tls_cert', tls.certFile, '--tls_key', tls.keyFile];
    const root = storage();
    const ws = await start('ml_board_ws_endpoint', [
      '--port',
      '0',
      '--event_storage_path',
      root,
      '--auth_token',
      'tok',
      ...flags,
    ]);
    const rest = await start('ml_board_rest_endpoint', [
      '--port',
      '0',
      '--event_storage_path',
      root,
      '--auth_token',
      'tok',
      ...flags,
    ]);
    const board = await start('ml_board', ['--ml_board_port', '0', ...flags]);
    expect(ws.output()).toContain(`listening on https://127.0.0.1:${ws.port}`);
    // the URL line follows the listening line, maybe in a later piece of output
    await until(() => board.output().includes('====> ACCESS MLBOARD VIA'), 10_000, "ml_board's URL line");
    expect(board.output()).toMatch(/====> ACCESS MLBOARD VIA https:\/\/127\.0\.0\.1:\d+\//);

    for (const port of [ws.port, rest.port]) {
      const res = await httpsGet(`https://localhost:${port}/whoami`, tls.cert, { Authorization: 'Bearer tok' });
      expect(whoamiResponseSchema.parse(JSON.parse(res.text))).toMatchObject({ scope: 'admin' });
    }
    const page = await httpsGet(`https://127.0.0.1:${board.port}/`, tls.cert);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");

    const socket = connect(`https://127.0.0.1:${ws.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: 'tok' },
      ca: tls.cert.toString(),
    } as Partial<ManagerOptions>);
    try {
      await new Promise<void>((ok, fail) => {
        socket.once('connect', () => ok());
        socket.once('connect_error', fail);
      });
      const ack = await new Promise<unknown>((r) => socket.emit('join', { rooms: ['gs'] }, r));
      expect(ack).toEqual({ ok: true });
    } finally {
      socket.close();
    }

    for (const name of [...ENDPOINTS, 'ml_board']) {
      const portFlag = name === 'ml_board' ? '--ml_board_port' : '--port';
      const r = runCli(name, [
        portFlag,
        '0',
        '--tls_cert',
        tls.certFile,
        ...(name === 'ml_board' ? [] : ['--event_storage_path', root]),
      ]);
      expect(r.status, name).not.toBe(0);
      expect(r.stderr, name).toContain(
        '--tls_key: missing (expected both --tls_cert <cert.pem> and --tls_key <key.pem>, or neither)',
      );
    }
  });
});
