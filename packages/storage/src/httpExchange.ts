import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { releaseChunk } from './largeReadConnector.js';

export interface ExchangeResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** sha256 (hex) of the body, computed while it arrived. */
  sha256: string;
}

export interface ExchangeRequest {
  /** Needed by an agent (a proxy), ignored by a pool, which has its own. */
  origin?: string | undefined;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: readonly Uint8Array[] | undefined;
  /** Updated with the body's bytes as they go out. */
  bodyHash?: Hash | undefined;
  /** Ends the exchange (the caller's deadline). */
  signal: AbortSignal;
}

/**
 * Slices of at most this size go out one at a time, each hashed just before it is sent. undici refreshes
 * its headers timeout as each drains: an upload times out when one slice does not drain within it
 * (1 MiB in 60 s: under 17 KB/s).
 */
const SEND_SLICE = 1024 * 1024;

/**
 * One HTTP exchange through an undici dispatcher, on its lowest-level API (`dispatch`): the response
 * body goes straight into one buffer sized by Content-Length (grown when the answer is unsized) and
 * is hashed as it arrives, with no stream in between; a large request body goes out in slices hashed
 * on the way, so undici refreshes its headers timeout as each slice drains (an upload that stops
 * moving times out, one that keeps moving never does). Timeouts are the dispatcher's; `signal` ends it.
 */
export function exchange(dispatcher: Dispatcher, request: ExchangeRequest): Promise<ExchangeResult> {
  const parts = request.body ?? [];
  const length = parts.reduce((n, p) => n + p.length, 0);
  const headers = parts.length > 0 ? { ...request.headers, 'content-length': String(length) } : request.headers;
  let body: Dispatcher.DispatchOptions['body'] = null;
  // dispatch takes an async iterable body (Dispatcher.md); its type declaration lists only streams.
  if (length > SEND_SLICE || parts.length > 1) body = slices(parts, request.bodyHash) as unknown as Readable;
  else if (length > 0) {
    const only = parts[0] as Uint8Array;
    request.bodyHash?.update(only);
    body = only;
  }
  return new Promise<ExchangeResult>((resolve, reject) => {
    const collector = new BodyCollector(resolve, reject);
    const { signal } = request;
    const onAbort = () => collector.abort(abortError(signal));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    collector.finally = () => signal.removeEventListener('abort', onAbort);
    try {
      dispatcher.dispatch(
        { origin: request.origin, path: request.path, method: request.method, headers, body },
        collector,
      );
    } catch (error) {
      collector.onResponseError(undefined, error as Error);
    }
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('aborted'), { name: 'AbortError' });
}

/** The body in slices hashed as they go out: no separate pass over a checkpoint of hundreds of MB. */
async function* slices(parts: readonly Uint8Array[], hash: Hash | undefined): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    for (let at = 0; at < part.length; at += SEND_SLICE) {
      const slice = part.subarray(at, Math.min(part.length, at + SEND_SLICE));
      hash?.update(slice);
      yield slice;
    }
  }
}

/** undici's dispatch handler that gathers the answer into one buffer, hashing on arrival. */
class BodyCollector implements Dispatcher.DispatchHandler {
  finally: () => void = () => {};
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;
  private settled = false;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private declared: number | undefined;
  private body = Buffer.alloc(0);
  private received = 0;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly resolve: (result: ExchangeResult) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Ends the exchange now; undici is told as soon as it has started it. */
  abort(reason: Error): void {
    this.abortReason ??= reason;
    this.controller?.abort(reason);
    this.fail(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx answers come before the real one.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
    const declared = Number(headers['content-length']);
    this.declared = Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
    this.body = Buffer.allocUnsafe(this.declared ?? 64 * 1024);
    this.received = 0;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.hash.update(chunk);
    if (this.received + chunk.length > this.body.length) {
      // Unsized (chunked) answers only: undici refuses bytes beyond a declared Content-Length.
      const grown = Buffer.allocUnsafe(Math.max(this.body.length * 2, this.received + chunk.length));
      this.body.copy(grown, 0, 0, this.received);
      this.body = grown;
    }
    chunk.copy(this.body, this.received);
    this.received += chunk.length;
    releaseChunk(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.finally();
    this.resolve({
      status: this.status,
      headers: this.headers,
      body: this.body.subarray(0, this.received),
      sha256: this.hash.digest('hex'),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.declared !== undefined && this.received < this.declared) {
      // Say how far the body got: a checkpoint cut off at 90% reads differently from one that never started.
      error.message = `${error.message} (after ${this.received} of ${this.declared} body bytes)`;
    }
    this.fail(this.abortReason ?? error);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.finally();
    this.reject(error);
  }
}
