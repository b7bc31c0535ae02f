import type { Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { MlgymError } from '@mlgym/protocol';
import { exchange } from './httpExchange.js';
import { restDispatcher } from './restDispatcher.js';

/** How long a call may take. Every call gets all of them; the deadline bounds its retries too. */
export interface HttpTimeouts {
  /** TCP (and TLS) connect. @default 10 s */
  connectMs: number;
  /**
   * No progress for this long: an upload the server stopped reading, no answer after it, a stalled
   * body (undici's headers timeout, refreshed as the upload moves, and its body timeout). @default 60 s
   */
  idleMs: number;
  /** All attempts of one call together, backoff included. @default 10 min */
  deadlineMs: number;
  /** Attempts per call on network errors and 5xx (4xx is final). @default 6 */
  attempts: number;
  /** First backoff ceiling; doubles per attempt (full jitter), capped at 30 s. @default 250 ms */
  backoffMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  connectMs: 10_000,
  idleMs: 60_000,
  deadlineMs: 10 * 60_000,
  attempts: 6,
  backoffMs: 250,
};

/**
 * The defaults, with `MLGYM_HTTP_TIMEOUT_S` (connect and idle) and `MLGYM_HTTP_DEADLINE_S`
 * (per call, retries included) from the environment: runs started by `mlgym` and its worker
 * processes build their stores deep inside, so the environment is how an operator tunes them.
 */
export function httpTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpTimeouts {
  const seconds = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: name,
        problem: 'not a positive number of seconds',
        found: raw,
      });
    }
    return value * 1000;
  };
  const timeout = seconds('MLGYM_HTTP_TIMEOUT_S');
  const deadline = seconds('MLGYM_HTTP_DEADLINE_S');
  return {
    ...DEFAULT_HTTP_TIMEOUTS,
    ...(timeout === undefined ? {} : { connectMs: timeout, idleMs: timeout }),
    ...(deadline === undefined ? {} : { deadlineMs: deadline }),
  };
}

export interface RestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** sha256 (hex) of the body, computed while it arrived. */
  sha256: string;
  /** The hash state given as `bodyHash`, updated with the bytes of the attempt that succeeded. */
  sentHash?: Hash | undefined;
}

export interface RestCall {
  /** What is being done, for errors: "upload checkpoint model.bin of 2024-…/0/3". */
  operation: string;
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: readonly Uint8Array[];
  /** Hash state before the body; each attempt hashes what it sends into its own copy (`sentHash`). */
  bodyHash?: Hash;
  /** Answer 404 with undefined instead of an error. */
  allow404?: boolean;
}

const MAX_BACKOFF_MS = 30_000;
/** undici's timeouts, each with what it means here. */
const TIMEOUTS: Record<string, (t: HttpTimeouts) => string> = {
  UND_ERR_CONNECT_TIMEOUT: (t) => `no connection within ${t.connectMs / 1000} s`,
  UND_ERR_HEADERS_TIMEOUT: (t) => `no data moved for ${t.idleMs / 1000} s (sending the request or awaiting the answer)`,
  UND_ERR_BODY_TIMEOUT: (t) => `no data moved for ${t.idleMs / 1000} s (receiving the answer)`,
};
/** Failures another attempt may cure. */
const RETRIABLE = new Set([
  ...Object.keys(TIMEOUTS),
  // The connection closed under the exchange (undici's "other side closed").
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * An HTTP client for one origin over undici (restDispatcher: one kept-alive connection, an opt-in
 * proxy; http or https, whose authorities are the system's and NODE_EXTRA_CA_CERTS's) with connect,
 * headers and body timeouts on every attempt, retries on network errors and 5xx with exponential
 * backoff and full jitter, and a deadline over all of them. Errors are MlgymErrors naming the
 * endpoint and the operation.
 */
export function createRestClient(options: {
  baseUrl: string;
  authToken?: string | undefined;
  timeouts?: Partial<HttpTimeouts> | undefined;
  /** Where NODE_USE_ENV_PROXY, HTTP(S)_PROXY and NO_PROXY are read. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
}) {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw MlgymError.fromIssue(
      { code: 'CONFIG_INVALID', keyPath: 'gs_rest_api_endpoint', problem: 'not a URL', found: options.baseUrl },
      error,
    );
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  const endpoint = `${base.origin}${prefix}`;
  const t: HttpTimeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  const dispatcher = restDispatcher(base.origin, t, options.env ?? process.env);
  async function attempt(path: string, call: RestCall, signal: AbortSignal): Promise<RestResponse> {
    const headers: Record<string, string> = { ...call.headers };
    if (options.authToken) headers['authorization'] = `Bearer ${options.authToken}`;
    const sentHash = call.bodyHash?.copy();
    const response = await exchange(dispatcher, {
      origin: base.origin,
      path: `${prefix}${path}`,
      method: call.method ?? 'GET',
      headers,
      body: call.body,
      bodyHash: sentHash,
      signal,
    });
    return { ...response, sentHash };
  }

  async function request(path: string, call: RestCall): Promise<RestResponse | undefined> {
    const method = call.method ?? 'GET';
    const started = Date.now();
    const deadline = started + t.deadlineMs;
    let lastError: unknown;
    let made = 0;
    let outOfTime = false;
    for (let tries = 0; tries < t.attempts; tries++) {
      if (tries > 0) {
        // Full jitter: runs that failed together do not come back together.
        const wait = Math.random() * Math.min(MAX_BACKOFF_MS, t.backoffMs * 2 ** (tries - 1));
        if (Date.now() + wait >= deadline) {
          outOfTime = true;
          break;
        }
        await sleep(wait);
      }
      const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
      made++;
      try {
        const response = await attempt(path, call, signal);
        if (response.status >= 200 && response.status < 300) return response;
        if (response.status === 404 && call.allow404) return undefined;
        lastError = new Error(`HTTP ${response.status} ${response.body.toString('utf8', 0, 300)}`);
        if (response.status < 500) break;
      } catch (error) {
        if (signal.aborted) {
          outOfTime = true;
          lastError = new Error(`no answer within the deadline of ${t.deadlineMs / 1000} s`, { cause: error });
          break;
        }
        lastError = error;
        if (!isRetriable(error)) break;
      }
    }
    const timedOut = outOfTime || isTimeout(lastError);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    throw MlgymError.fromIssue(
      {
        code: timedOut ? 'NETWORK_TIMEOUT' : 'INTERNAL',
        problem:
          `${call.operation} (${method} ${endpoint}${path}) failed after ${made} attempt(s) in ${seconds} s` +
          `${outOfTime ? ` (its deadline is ${t.deadlineMs / 1000} s)` : ''}: ${describe(lastError, t)}`,
        hint: isUntrusted(lastError)
          ? `The server's certificate is not trusted here: NODE_EXTRA_CA_CERTS=<the CA's PEM file> adds its authority`
          : 'Check that ml_board_rest_endpoint is running and reachable (gs_rest_api_endpoint)',
      },
      lastError,
    );
  }

  /** Closes the kept-alive connections (idle ones close by themselves after a few seconds). */
  const close = (): Promise<void> => dispatcher.close();

  return { endpoint, timeouts: t, request, close };
}

export type RestClient = ReturnType<typeof createRestClient>;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? code : typeof cause === 'string' ? cause : undefined;
}

function isRetriable(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && RETRIABLE.has(code);
}

function isTimeout(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && code in TIMEOUTS;
}

/** TLS refusals of the server's certificate chain (OpenSSL's verify codes, as node names them). */
function isUntrusted(error: unknown): boolean {
  const code = codeOf(error) ?? '';
  return /CERT|UNABLE_TO_VERIFY|SELF_SIGNED/.test(code);
}

function describe(error: unknown, t: HttpTimeouts): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = codeOf(error);
  const timeout = code === undefined ? undefined : TIMEOUTS[code];
  if (timeout) return `${timeout(t)} (${code})`;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
