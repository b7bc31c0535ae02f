import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsFiles } from './tlsServer.js';

/**
 * A throwaway self-signed certificate for localhost and 127.0.0.1, made by `openssl` now (tests and local trials
 * of `--tls_cert`; no key is ever committed). The files are written to `dir` when given, else removed again.
 */
export function selfSignedCertificate(dir?: string): TlsFiles & { certFile: string; keyFile: string } {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'mlgym-tls-'));
  const certFile = join(folder, 'cert.pem');
  const keyFile = join(folder, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr || made.error?.message}`);
  const files = { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, keyFile };
  if (dir === undefined) rmSync(folder, { recursive: true, force: true });
  return files;
}
