import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { RequestListener, Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { MlgymError } from '@mlgym/protocol';

/** A certificate chain and its private key, PEM. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw MlgymError.fromIssue({
      code: 'CONFIG_FILE_NOT_FOUND',
      file: path,
      keyPath: flag,
      problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    });
  }
}

/** Reads `--tls_cert` and `--tls_key` (both or neither). */
export function readTlsFiles(cert: string | undefined, key: string | undefined): TlsFiles | undefined {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw MlgymError.fromIssue({
      code: 'BAD_REQUEST',
      keyPath: cert === undefined ? '--tls_cert' : '--tls_key',
      problem: 'missing',
      expected: 'both --tls_cert <cert.pem> and --tls_key <key.pem>, or neither',
    });
  }
  return { cert: readPem(cert, '--tls_cert'), key: readPem(key, '--tls_key') };
}

/** An HTTP server, or an HTTPS one when given a certificate (a bad certificate or key throws here, at start). */
export function createServer(
  handler: RequestListener | undefined,
  tls: TlsFiles | undefined,
): HttpServer | HttpsServer {
  if (!tls) return createHttpServer(handler);
  try {
    return createHttpsServer({ cert: tls.cert, key: tls.key }, handler);
  } catch (error) {
    throw MlgymError.fromIssue({
      code: 'BAD_REQUEST',
      keyPath: '--tls_cert/--tls_key',
      problem: `not a usable certificate and key (${(error as Error).message})`,
      expected: 'PEM files: the certificate (chain) and its private key',
    });
  }
}
