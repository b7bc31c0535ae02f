import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { RawResponse } from './rawHttp.js';
import { guard } from './transferGuard.js';
import type { Transfer } from './transferGuard.js';

const HEAD_LIMIT = 64 * 1024;

function requestHead(target: URL, headers: OutgoingHttpHeaders): string {
  const lines = [`GET ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(v)) throw new Error(`header ${name} holds a line break`);
      lines.push(`${name}: ${v}`);
    }
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function parseHead(text: string): { status: number; headers: IncomingHttpHeaders } {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP/1.x response: ${statusLine.slice(0, 80)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status, headers };
}

/**
 * A plain-HTTP GET read straight from the socket into one buffer sized by Content-Length (the
 * kernel copies into it; no chunk objects, no stream machinery) and hashed as it arrives: about
 * twice what node:http's client manages for a large checkpoint. Resolves 'unframed' when the
 * response is not framed by Content-Length (chunked, or until close), for the caller to repeat
 * with node:http. Connect and idle timeouts and the abort are those of `guard`.
 */
export function socketGet(
  target: URL,
  headers: OutgoingHttpHeaders,
  limits: Transfer,
): Promise<RawResponse | 'unframed'> {
  return new Promise((resolve, reject) => {
    const head = requestHead(target, headers);
    const scratch = Buffer.allocUnsafe(HEAD_LIMIT);
    const hash = createHash('sha256');
    let pending = Buffer.alloc(0);
    let response: { status: number; headers: IncomingHttpHeaders } | undefined;
    let body: Buffer | undefined;
    let received = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      release();
      socket.destroy();
      fn();
    };
    const complete = () => {
      if (!response || !body || received < body.length) return;
      const done = { status: response.status, headers: response.headers, body, sha256: hash.digest('hex') };
      settle(() => resolve(done));
    };
    const onHead = (bytes: Buffer) => {
      pending = Buffer.concat([pending, bytes]);
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) {
        if (pending.length > HEAD_LIMIT) settle(() => reject(new Error('response headers exceed 64 KiB')));
        return;
      }
      response = parseHead(pending.subarray(0, end).toString('latin1'));
      const length = Number(response.headers['content-length']);
      if (response.headers['transfer-encoding'] || !Number.isSafeInteger(length) || length < 0) {
        settle(() => resolve('unframed'));
        return;
      }
      body = Buffer.allocUnsafe(length);
      const early = pending.subarray(end + 4, end + 4 + length);
      early.copy(body);
      hash.update(early);
      received = early.length;
      complete();
    };
    const socket = connect({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port || 80),
      onread: {
        buffer: () => (body ? body.subarray(received) : scratch),
        callback: (n, buf) => {
          try {
            if (!body) onHead(Buffer.from(buf.buffer, buf.byteOffset, n));
            else {
              hash.update(buf.subarray(0, n));
              received += n;
              complete();
            }
          } catch (error) {
            settle(() => reject(error));
          }
          return !settled;
        },
      },
    });
    const release = guard(socket, limits, (error) => settle(() => reject(error)));
    socket.on('connect', () => socket.write(head));
    socket.on('error', (error) => settle(() => reject(error)));
    socket.on('close', () =>
      settle(() =>
        reject(
          // A connection the server dropped: another attempt may well succeed.
          Object.assign(
            new Error(`connection closed after ${received} of ${body?.length ?? '?'} body bytes of ${target}`),
            {
              code: 'ECONNRESET',
            },
          ),
        ),
      ),
    );
  });
}
