import { HISTORY_COUNT_HEADER, HISTORY_FIRST_ID_HEADER, HISTORY_PATH } from '@mlgym/protocol';

/** A history stream that brings no bytes for this long is given up (the socket then replays the rest). */
const IDLE_TIMEOUT_MS = 30_000;

export interface FetchedHistory {
  /** Lines received and handed to `onLine` (ids `from` … `from + received - 1`). */
  received: number;
  /** Lines the endpoint announced. */
  announced: number;
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
  }: {
    endpoint: string;
    gridSearchId: string;
    from: number;
    signal?: AbortSignal;
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
    const res = await fetch(`${endpoint}${HISTORY_PATH(gridSearchId, from)}`, { signal: abort.signal });
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
    }
    return { received, announced };
  } catch {
    return received ? { received, announced } : undefined;
  } finally {
    clearTimeout(idle);
  }
}
