import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_DATA_ELEMENT_ID, decodeReportBundle } from '@mlgym/protocol';
import { repo, startApp, stopped } from './helpers.js';
import { FIXTURE_GS, fixtureStorage } from './mlboardHarness.js';

const TOKEN = 'tok-export-test-0123456789';

function exportCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [resolve(repo, 'apps/ml_board/dist/cli.js'), 'export', ...args], {
    env: { ...process.env, ML_BOARD_AUTH_TOKEN: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.on('exit', (code) => done({ code, stdout, stderr })),
  );
}

async function bundleOf(file: string) {
  const html = readFileSync(file, 'utf8');
  const data = new RegExp(`id="${REPORT_DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html)?.[1] ?? '';
  return decodeReportBundle(data);
}

describe('ml_board export', () => {
  it('writes the same report from the storage folder and through both endpoints (with a token)', async () => {
    const storage = fixtureStorage();
    const out = mkdtempSync(join(tmpdir(), 'mlboard-export-'));
    const local = await exportCli([
      '--run_id',
      FIXTURE_GS,
      '--event_storage_path',
      storage,
      '--out',
      join(out, 'local.html'),
    ]);
    expect(local.code, local.stderr).toBe(0);
    const args = ['--port', '0', '--event_storage_path', storage, '--auth_token', TOKEN];
    const [ws, rest] = await Promise.all([
      startApp('ml_board_ws_endpoint', args),
      startApp('ml_board_rest_endpoint', args),
    ]);
    try {
      const endpoints = [
        '--run_id',
        FIXTURE_GS,
        '--ws_endpoint',
        `http://127.0.0.1:${ws.port}`,
        '--rest_endpoint',
        `http://127.0.0.1:${rest.port}`,
        '--out',
        join(out, 'remote.html'),
      ];
      const refused = await exportCli(endpoints);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/error\[AUTH_REQUIRED\].*ML_BOARD_AUTH_TOKEN/);
      const remote = await exportCli(endpoints, { ML_BOARD_AUTH_TOKEN: TOKEN });
      expect(remote.code, remote.stderr).toBe(0);
      expect(remote.stdout).toMatch(/4 experiments, \d+ of 298 events .* 15 files/);
    } finally {
      for (const s of [ws, rest]) s.child.kill('SIGTERM');
      await Promise.all([stopped(ws.child), stopped(rest.child)]);
    }
    const [a, b] = await Promise.all([bundleOf(join(out, 'local.html')), bundleOf(join(out, 'remote.html'))]);
    expect(b.events).toEqual(a.events);
    expect(b.files).toEqual(a.files);
    expect(Object.keys(a.files)).toContain('3/system_info.json');
    expect(a.log_events).toBe(298);
    expect(a.source).toContain(storage);
    expect(b.source).toContain('websocket endpoint');
  }, 60_000);

  it('says what is wrong with its arguments or the grid search, exit code 2, and writes nothing', async () => {
    const storage = fixtureStorage();
    const none = await exportCli(['--event_storage_path', storage]);
    expect(none).toMatchObject({ code: 2, stderr: expect.stringMatching(/--run_id/) });
    const half = await exportCli(['--run_id', FIXTURE_GS, '--rest_endpoint', 'http://127.0.0.1:1']);
    expect(half).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--rest_endpoint and --ws_endpoint go together/),
    });
    const unknown = await exportCli(['--run_id', 'no-such-run', '--event_storage_path', storage]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/NOT_FOUND.*no grid search no-such-run/) });
    const bad = await exportCli(['--run_id', '../etc', '--event_storage_path', storage]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/grid search id/) });
  }, 60_000);
});
