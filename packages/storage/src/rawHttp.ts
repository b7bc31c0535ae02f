import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { socketGet } from './socketGet.js';
import { guard } from './transferGuard.js';
import type { Transfer } from './transferGuard.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** sha256 (hex) of the body, computed while it arrived. */
  sha256: string;
}

/**
 * One HTTP exchange with the body written as given and the response collected into a buffer sized
 * by Content-Length, hashed on arrival. Plain-HTTP GETs read the socket directly (socketGet);
 * the rest go through node:http. Large checkpoints move several times faster this way than
 * through fetch's body handling.
 */
/** What a request sends; `bodyHash` is updated with the bytes as they go out. */
export interface RequestBody {
  body?: readonly Uint8Array[] | undefined;
  bodyHash?: Hash | undefined;
  /** Timeouts and abort of this exchange. */
  limits: Transfer;
}

export function rawRequest(
  url: string,
  method: string,
  headers: OutgoingHttpHeaders,
  { body = [], bodyHash, limits }: RequestBody,
): Promise<RawResponse> {
  const target = new URL(url);
  if (method === 'GET' && body.length === 0 && target.protocol === 'http:') {
    return socketGet(target, headers, limits).then((r) =>
      r === 'unframed' ? viaNodeHttp(target, method, headers, { limits }) : r,
    );
  }
  return viaNodeHttp(target, method, headers, { body, bodyHash, limits });
}

function viaNodeHttp(
  target: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  { body = [], bodyHash, limits }: RequestBody,
): Promise<RawResponse> {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const length = body.reduce((n, b) => n + b.length, 0);
  return new Promise<RawResponse>((resolveRaw, rejectRaw) => {
    let release: (() => void) | undefined;
    let settled = false;
    const resolve = (r: RawResponse) => {
      if (settled) return;
      settled = true;
      release?.();
      resolveRaw(r);
    };
    const reject = (error: unknown) => {
      if (settled) return;
      settled = true;
      release?.();
      req.destroy();
      rejectRaw(error);
    };
    const req = send(
      target,
      { method, headers: body.length ? { ...headers, 'Content-Length': length } : headers },
      (res) => {
        const declared = Number(res.headers['content-length']);
        let buffer = Number.isFinite(declared) && declared >= 0 ? Buffer.allocUnsafe(declared) : undefined;
        const parts: Buffer[] = [];
        let received = 0;
        const hash = createHash('sha256');
        res.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          if (buffer && received + chunk.length <= buffer.length) chunk.copy(buffer, received);
          else parts.push(chunk);
          received += chunk.length;
        });
        res.on('end', () => {
          if (parts.length > 0)
            buffer = Buffer.concat([
              buffer?.subarray(0, received - parts.reduce((n, p) => n + p.length, 0)) ?? Buffer.alloc(0),
              ...parts,
            ]);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: (buffer ?? Buffer.alloc(0)).subarray(0, received),
            sha256: hash.digest('hex'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('socket', (socket: Socket) => {
      release = guard(socket, limits, reject);
    });
    if (!bodyHash) {
      for (const part of body) req.write(part);
      req.end();
      return;
    }
    // Hashing slice by slice while the socket drains the previous one: the caller learns what was
    // sent without a separate pass over a checkpoint that may be hundreds of megabytes.
    void (async () => {
      for (const part of body) {
        for (let at = 0; at < part.length; at += SEND_SLICE) {
          const slice = part.subarray(at, Math.min(part.length, at + SEND_SLICE));
          bodyHash.update(slice);
          if (settled) return;
          if (!req.write(slice)) {
            // Until the socket drains, or the request ends (a timeout or abort destroyed it).
            await new Promise<void>((resume) => {
              const done = () => {
                req.off('drain', done).off('close', done);
                resume();
              };
              req.on('drain', done).on('close', done);
            });
          }
        }
      }
      req.end();
    })().catch(reject);
  });
}

const SEND_SLICE = 4 * 1024 * 1024;
