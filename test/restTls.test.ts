import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestApp } from '@mlgym/rest-endpoint';
import { repo } from './helpers.js';

const run = promisify(execFile);
let dir: string;
let server: Server;
let url: string;

/** A private CA and a certificate for 127.0.0.1 signed by it, made now with openssl. */
function makeCertificates(into: string): { ca: string; key: string; cert: string } {
  const file = (name: string) => join(into, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=mlgym test CA',
  );
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '1',
    '-extfile',
    file('server.ext'),
  );
  return { ca: file('ca.pem'), key: file('server.key'), cert: file('server.pem') };
}

/** The store client in a process of its own (as a trainer), with `env` added to this one's environment. */
async function client(env: Record<string, string>, sizeMb: number): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    [join(repo, 'test/fixtures/tls/restClient.mjs'), url, String(sizeMb)],
    {
      cwd: repo,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...env },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlgym-rest-tls-'));
  const { key, cert } = makeCertificates(dir);
  const app = createRestApp({ storagePath: join(dir, 'storage') });
  await app.init();
  server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.closeAllConnections();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the REST client over https', () => {
  it('stores and reads a checkpoint through a server whose CA NODE_EXTRA_CA_CERTS names', async () => {
    const result = await client({ NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }, 24);
    expect(result).toMatchObject({ ok: true, config: 'a: 1\n' });
    expect(result['received']).toBe(result['sent']);
  });

  it('refuses a server it cannot verify, at once, and says how to trust its CA', async () => {
    const result = await client({}, 1);
    expect(result['ok']).toBe(false);
    expect(result['message']).toMatch(
      /store config run_config\.yml \(PUT https:\/\/127\.0\.0\.1:\d+\/.*failed after 1 attempt/,
    );
    expect(result['message']).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect(result['message']).toContain('NODE_EXTRA_CA_CERTS=');
  });
});
