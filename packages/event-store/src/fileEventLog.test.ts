import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileEventLog, LOG_FILE } from './fileEventLog.js';
import type { EventLog } from './eventLog.js';
import { InMemoryEventLog } from './inMemoryEventLog.js';

const open: FileEventLog[] = [];
afterEach(async () => {
  for (const log of open.splice(0)) await log.close();
});
async function openLog(dir: string): Promise<FileEventLog> {
  const log = await FileEventLog.open(dir);
  open.push(log);
  return log;
}
const fresh = () => mkdtempSync(join(tmpdir(), 'mlgym-log-'));
const event = (i: number) => ({
  event_type: 'experiment_status',
  creation_ts: i,
  payload: { grid_search_id: 'g', experiment_id: i },
});
async function all(log: EventLog, from?: number) {
  const out: Array<{ id: number; data: unknown }> = [];
  for await (const e of log.read(from)) out.push(e);
  return out;
}

describe.each([
  ['FileEventLog', async () => openLog(fresh())],
  ['InMemoryEventLog', async () => new InMemoryEventLog()],
])('%s', (_name, make) => {
  it('assigns line numbers as ids and reads from any id', async () => {
    const log = await make();
    expect((await log.append([event(0), event(1)])).ids).toEqual([0, 1]);
    expect((await log.append([event(2)])).ids).toEqual([2]);
    expect(log.length).toBe(3);
    expect(await all(log, 1)).toEqual([
      { id: 1, data: event(1) },
      { id: 2, data: event(2) },
    ]);
  });

  it('stores a re-sent publisher batch once', async () => {
    const log = await make();
    expect(await log.append([event(0), event(1)], { publisherId: 'p', firstSeq: 0 })).toEqual({
      ids: [0, 1],
      duplicates: 0,
    });
    expect(await log.append([event(1), event(2)], { publisherId: 'p', firstSeq: 1 })).toEqual({
      ids: [2],
      duplicates: 1,
    });
    expect(await log.append([event(0)], { publisherId: 'p', firstSeq: 0 })).toEqual({ ids: [], duplicates: 1 });
    expect(await log.append([event(9)], { publisherId: 'q', firstSeq: 0 })).toEqual({ ids: [3], duplicates: 0 });
    expect(await log.lastSeq('p')).toBe(2);
    expect((await all(log)).map((e) => (e.data as { creation_ts: number }).creation_ts)).toEqual([0, 1, 2, 9]);
  });

  it('notifies commit listeners with the first id, before the append resolves', async () => {
    const log = await make();
    const seen: Array<[number, number]> = [];
    log.onCommit((first, events) => seen.push([first, events.length]));
    const pending = log.append([event(0), event(1)]);
    await pending;
    await log.append([event(2)]);
    expect(seen).toEqual([
      [0, 2],
      [2, 1],
    ]);
  });

  it('splits raw reads into bounded chunks of whole lines', async () => {
    const log = await make();
    await log.append(Array.from({ length: 100 }, (_, i) => event(i)));
    const chunks = [];
    for await (const c of log.readRaw(10, 100, 500)) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks[0]!.firstId).toBe(10);
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(90);
    for (const c of chunks) {
      expect(c.bytes.length).toBeLessThanOrEqual(500 + 200);
      const lines = c.bytes.toString().split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(c.count);
      expect(JSON.parse(lines[0]!)).toEqual(event(c.firstId));
    }
  });
});

describe('FileEventLog on disk', () => {
  it('writes the original format and reopens with the same ids', async () => {
    const dir = fresh();
    const log = await FileEventLog.open(dir);
    await log.append([event(0), event(1)]);
    await log.close();
    expect(readFileSync(join(dir, LOG_FILE), 'utf8')).toBe(
      `${JSON.stringify(event(0))}\n${JSON.stringify(event(1))}\n`,
    );
    const again = await openLog(dir);
    expect(again.length).toBe(2);
    expect((await again.append([event(2)])).ids).toEqual([2]);
  });

  it('loads a log written by the original MLboard unchanged', async () => {
    const dir = fresh();
    const lines = [
      '{"event_type": "job_status", "creation_ts": 1685780818123456, "payload": {"job_id": "2023-06-03--10-26-58-3", "job_type": 1, "status": "RUNNING", "grid_search_id": "2023-06-03--10-26-58", "experiment_id": 3, "starting_time": 1685780818.12, "finishing_time": -1, "error": null, "stacktrace": null}}',
      '{"event_type": "evaluation_result", "creation_ts": 1685780900000000, "payload": {"grid_search_id": "2023-06-03--10-26-58", "experiment_id": 3, "epoch": 0, "metric_scores": [{"metric": "F1_SCORE_macro", "split": "val", "score": 0.91}], "loss_scores": []}}',
    ];
    writeFileSync(join(dir, LOG_FILE), lines.map((l) => `${l}\n`).join(''));
    const log = await openLog(dir);
    const events = await all(log);
    expect(events.map((e) => e.id)).toEqual([0, 1]);
    expect(events[1]!.data).toEqual(JSON.parse(lines[1]!));
  });

  it('sets a torn last line aside in .corrupt and goes on', async () => {
    const dir = fresh();
    const log = await FileEventLog.open(dir);
    await log.append([event(0), event(1)]);
    await log.close();
    appendFileSync(join(dir, LOG_FILE), '{"event_type": "experiment_sta');
    const reopened = await openLog(dir);
    expect(reopened.length).toBe(2);
    expect(readFileSync(join(dir, `${LOG_FILE}.corrupt`), 'utf8')).toBe('{"event_type": "experiment_sta\n');
    expect((await reopened.append([event(2)])).ids).toEqual([2]);
    expect((await all(reopened)).map((e) => e.data)).toEqual([event(0), event(1), event(2)]);
  });

  it('keeps publisher sequences across restarts, counting only lines that made it', async () => {
    const dir = fresh();
    const log = await FileEventLog.open(dir);
    await log.append([event(0), event(1), event(2)], { publisherId: 'p', firstSeq: 0 });
    await log.close();
    // Simulate a crash that lost the last line after its sequence record was written.
    const text = readFileSync(join(dir, LOG_FILE), 'utf8').split('\n');
    writeFileSync(join(dir, LOG_FILE), `${text.slice(0, 2).join('\n')}\n`);
    const reopened = await openLog(dir);
    expect(await reopened.lastSeq('p')).toBe(1);
    expect(await reopened.append([event(1), event(2)], { publisherId: 'p', firstSeq: 1 })).toEqual({
      ids: [2],
      duplicates: 1,
    });
  });

  it('refuses a second writer and takes over a lock left by a dead process', async () => {
    const dir = fresh();
    await openLog(dir);
    await expect(FileEventLog.open(dir)).rejects.toMatchObject({ code: 'STORAGE_LOCKED' });
    const other = fresh();
    writeFileSync(join(other, `${LOG_FILE}.lock`), `999999999\n${(await import('node:os')).hostname()}\n`);
    const log = await openLog(other);
    expect(log.length).toBe(0);
    await log.close();
    open.pop();
    expect(existsSync(join(other, `${LOG_FILE}.lock`))).toBe(false);
  });
});
