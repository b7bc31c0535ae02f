import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HISTORY_FIRST_ID_HEADER, HISTORY_PATH, MlgymError, SafeNameSchema } from '@mlgym/protocol';
import { LOG_FILE } from './fileEventLog.js';

/** Where a grid search's events are read: a storage folder, or the websocket endpoint serving it. */
export type GridSearchSource =
  | { kind: 'local'; root: string }
  | { kind: 'endpoint'; url: string; token?: string | undefined; idleTimeoutMs?: number | undefined };

/** One stored line: its event id and its JSON text. */
export interface StoredLine {
  id: number;
  line: string;
}

export function describeSource(source: GridSearchSource): string {
  return source.kind === 'local' ? `the event storage ${source.root}` : `the websocket endpoint ${source.url}`;
}

function checkId(gridSearchId: string): void {
  if (!SafeNameSchema.safeParse(gridSearchId).success) {
    throw MlgymError.fromIssue({
      code: 'STORAGE_PATH_UNSAFE',
      problem: `${JSON.stringify(gridSearchId)} is not a grid search id`,
      expected: 'a name of letters, digits, "_", "-" and "." such as 2024-06-01--12-00-00',
    });
  }
}

/**
 * Every stored line of a grid search's log, in order, with its id: read from the file without taking its lock
 * (a server may be writing it; a torn last line is left out), or streamed from the endpoint's `GET /history`
 * (with its token; a transfer that stalls for `idleTimeoutMs`, default 60 s, is given up).
 */
export async function* readGridSearchLines(source: GridSearchSource, gridSearchId: string): AsyncGenerator<StoredLine> {
  checkId(gridSearchId);
  if (source.kind === 'local') {
    const file = join(source.root, gridSearchId, LOG_FILE);
    if (!existsSync(file)) {
      throw MlgymError.fromIssue({ code: 'NOT_FOUND', problem: `no grid search ${gridSearchId} in ${source.root}` });
    }
    let id = 0;
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let pending: string | undefined;
    for await (const line of lines) {
      if (pending !== undefined) yield { id: id++, line: pending };
      pending = line;
    }
    // the last line is whole only when the file ends with a newline (a writer may be mid-append)
    if (pending !== undefined && (await endsWithNewline(file))) yield { id: id++, line: pending };
    return;
  }
  yield* endpointLines(source, gridSearchId);
}

async function endsWithNewline(file: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await fh.close();
  }
}

async function* endpointLines(
  source: Extract<GridSearchSource, { kind: 'endpoint' }>,
  gridSearchId: string,
): AsyncGenerator<StoredLine> {
  const url = `${source.url.replace(/\/$/, '')}${HISTORY_PATH(gridSearchId, 0)}`;
  const abort = new AbortController();
  const idleMs = source.idleTimeoutMs ?? 60_000;
  let timer = setTimeout(() => abort.abort(), idleMs);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), idleMs);
  };
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        headers: source.token ? { authorization: `Bearer ${source.token}` } : {},
        signal: abort.signal,
      });
    } catch (error) {
      throw MlgymError.fromIssue({
        code: 'NETWORK_TIMEOUT',
        problem: `cannot read ${gridSearchId} from ${url}: ${abort.signal.aborted ? `no answer in ${idleMs / 1000} s` : (error as Error).message}`,
        hint: 'Is the websocket endpoint running at that address?',
      });
    }
    if (!res.ok) throw await refusal(res, url, gridSearchId, source.token !== undefined);
    let id = Number(res.headers.get(HISTORY_FIRST_ID_HEADER) ?? 0);
    let rest = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      alive();
      rest += decoder.decode(chunk, { stream: true });
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) yield { id: id++, line };
    }
    // the history ends with a newline: what is left is a torn line the server read mid-append
  } catch (error) {
    if (abort.signal.aborted && !(error instanceof MlgymError)) {
      throw MlgymError.fromIssue({
        code: 'NETWORK_TIMEOUT',
        problem: `the history of ${gridSearchId} from ${url} stalled for ${idleMs / 1000} s`,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** An endpoint's refusal as an error that says what to do. */
export async function refusal(
  res: Response,
  url: string,
  gridSearchId: string,
  hadToken: boolean,
): Promise<MlgymError> {
  let message = '';
  let code = '';
  try {
    const body = (await res.json()) as { code?: unknown; message?: unknown };
    code = typeof body.code === 'string' ? body.code : '';
    message = typeof body.message === 'string' ? body.message : '';
  } catch {
    message = res.statusText;
  }
  if (res.status === 401) {
    return MlgymError.fromIssue({
      code: code === 'AUTH_INVALID' ? 'AUTH_INVALID' : 'AUTH_REQUIRED',
      problem: `${url} refused ${hadToken ? 'the token' : 'a request without a token'}: ${message}`,
      hint: 'Put a token of the endpoint (write scope to edit) in ML_BOARD_AUTH_TOKEN',
    });
  }
  if (res.status === 403) return MlgymError.fromIssue({ code: 'AUTH_FORBIDDEN', problem: `${url}: ${message}` });
  if (res.status === 404) {
    return MlgymError.fromIssue({ code: 'NOT_FOUND', problem: message || `no grid search ${gridSearchId} at ${url}` });
  }
  return MlgymError.fromIssue({ code: 'BAD_REQUEST', problem: `${url} answered ${res.status}: ${message}` });
}
