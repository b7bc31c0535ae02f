import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, repo, startApp, stopped } from './helpers.js';
import { fixtureStorage, startBoard } from './mlboardHarness.js';

const cli = resolve(repo, 'apps/ml_board/dist/cli.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });

describe('ml_board', () => {
  it('prints the listening line and the URL that opens the board', async () => {
    const board = await startBoard(['--ml_board_port', '0', '--run_id', '2024-01-01--00-00-00']);
    expect(board.url).toBe(
      `${board.origin}/?rest_endpoint=http://127.0.0.1:5001&ws_endpoint=http://127.0.0.1:5002&run_id=2024-01-01--00-00-00`,
    );
    expect(board.output()).toContain(`====> ACCESS MLBOARD VIA ${board.url}\n`);
    board.child.kill('SIGTERM');
    await stopped(board.child);
    expect(board.child.exitCode).toBe(0);
  });

  it('a bad flag or a port in use: one line on stderr and exit code 2', async () => {
    for (const [args, line] of [
      [['--bogus'], "ml_board: unknown option '--bogus'\n"],
      [
        ['--ml_board_port', 'x'],
        "ml_board: option '--ml_board_port <port>' argument 'x' is invalid. expected a port number 0-65535\n",
      ],
      [
        ['--ws_endpoint', 'ftp://h'],
        "ml_board: option '--ws_endpoint <url>' argument 'ftp://h' is invalid. expected an http(s) URL\n",
      ],
      [
        ['--run_id', '../etc'],
        "ml_board: option '--run_id <grid_search_id>' argument '../etc' is invalid. expected a grid search id such as 2024-01-31--12-00-00\n",
      ],
    ] as const) {
      const r = run([...args]);
      expect(r.stderr, args.join(' ')).toBe(line);
      expect(r.status).toBe(2);
    }
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    const r = run(['--ml_board_port', String(port)]);
    blocker.close();
    expect(r.stderr).toBe(
      `ml_board: cannot listen on 127.0.0.1:${port}: the port is in use (choose another with --ml_board_port)\n`,
    );
    expect(r.status).toBe(2);
  });

  it("with default flags the endpoints accept the board's origins and no others", async () => {
    const storage = fixtureStorage();
    const ws = await startApp('ml_board_ws_endpoint', ['--port', '0', '--event_storage_path', storage]);
    const rest = await startApp('ml_board_rest_endpoint', ['--port', '0', '--event_storage_path', storage]);
    try {
      for (const origin of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://evil.example']) {
        const allowed = origin.endsWith(':8080') ? origin : null;
        const polling = await fetch(`http://127.0.0.1:${ws.port}/socket.io/?EIO=4&transport=polling`, {
          headers: { origin },
        });
        expect(polling.headers.get('access-control-allow-origin'), origin).toBe(allowed);
        const list = await fetch(`http://127.0.0.1:${rest.port}/grid_searches`, { headers: { origin } });
        expect(list.headers.get('access-control-allow-origin'), origin).toBe(allowed);
      }
    } finally {
      ws.child.kill('SIGTERM');
      rest.child.kill('SIGTERM');
      await Promise.all([stopped(ws.child), stopped(rest.child)]);
    }
  });
});
