import { HISTORY_COUNT_HEADER, HISTORY_FIRST_ID_HEADER, HISTORY_PATH, MAX_EVENT_BYTES } from '@mlgym/protocol';

/** A history stream that brings no bytes for this long is given up (the socket then replays the rest). */
const IDLE_TIMEOUT_MS = 30_000;
/**
 * The longest line kept while waiting for its end, in UTF-16 code units: a stored event is at most
 * MAX_EVENT_BYTES of JSON, so at most that many characters; twice that leaves room. A longer line is
 * no event: the stream is given up there instead of buffering without end.
 */
export const MAX_HISTORY_LINE = 2 * MAX_EVENT_BYTES;

export interface FetchedHistory {
  /** Lines received and handed to `onLine` (ids `from` … `from + received - 1`). */
  received: number;
  /** Lines the endpoint announced. */
  announced: number;
  /** Why the stream was given up before its end (a line beyond MAX_HISTORY_LINE), if it was. */
  problem?: string;
}

/**
 * Streams a grid search's stored events from the websocket endpoint's `GET /history/<id>?from=<id>`
 * and hands each line, with its event id, to `onLine` as it arrives. Resolves undefined when the
 * endpoint does not serve history over HTTP (an older server, a room not stored yet); the socket's
 * `join` then replays everything. A stream that breaks off, or is aborted through `signal`, resolves with what
 * it received.
 */
export async function fetchHistory(
  {
    endpoint,
    gridSearchId,
    from,
    signal,
    onChunk,
    authorization,
    maxLine = MAX_HISTORY_LINE,
    fetchFn = fetch,
  }: {
    endpoint: string;
    gridSearchId: string;
    from: number;
    signal?: AbortSignal;
    /** The `Authorization` header for the endpoint (a token entered for its origin), if any. */
    authorization?: string | null;
    /** @default MAX_HISTORY_LINE (tests pass a smaller one) */
    maxLine?: number;
    /** How the request is made. @default the global fetch */
    fetchFn?: typeof fetch;
    /**
     * After each piece of the stream: how long handing its lines to `onLine` took (timed per piece, not
     * per line), and the lines received so far of those announced.
     */
    onChunk?: (ms: number, progress: FetchedHistory) => void;
  },
  onLine: (eventId: number, line: string) => void,
  idleTimeoutMs = IDLE_TIMEOUT_MS,
): Promise<FetchedHistory | undefined> {
  const abort = new AbortController();
  signal?.addEventListener('abort', () => abort.abort());
  let idle = setTimeout(() => abort.abort(), idleTimeoutMs);
  const alive = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(), idleTimeoutMs);
  };
  let received = 0;
  let announced = 0;
  try {
    const res = await fetchFn(`${endpoint}${HISTORY_PATH(gridSearchId, from)}`, {
      signal: abort.signal,
      headers: authorization ? { authorization } : {},
    });
    const first = Number(res.headers.get(HISTORY_FIRST_ID_HEADER));
    announced = Number(res.headers.get(HISTORY_COUNT_HEADER));
    if (!res.ok || !res.body || first !== from || !Number.isSafeInteger(announced)) {
      await res.body?.cancel();
      return undefined;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      alive();
      const t0 = performance.now();
      const text = rest + decoder.decode(value, { stream: true });
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0 && received < announced; end = text.indexOf('\n', start)) {
        onLine(from + received++, text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
      onChunk?.(performance.now() - t0, { received, announced });
      if (rest.length > maxLine) {
        await reader.cancel();
        const problem = `the history of "${gridSearchId}" at event ${from + received} is a line of more than ${maxLine} characters without an end: no event is that long, so the history stopped there`;
        return { received, announced, problem };
      }
    }
    return { received, announced };
  } catch {
    return received ? { received, announced } : undefined;
  } finally {
    clearTimeout(idle);
  }
}
