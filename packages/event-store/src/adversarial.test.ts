import { appendFileSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileEventStorage } from './eventStorage.js';
import { FileEventLog } from './fileEventLog.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'mlgym-adv-'));
const event = (i: number) => ({ event_type: 'experiment_status', creation_ts: i, payload: { grid_search_id: 'g' } });
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
/** Polls until `check` holds (background work such as closing a log takes what the machine gives it). */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
async function ids(log: { read(): AsyncIterable<{ id: number; data: unknown }> }) {
  const out: Array<[number, unknown]> = [];
  for await (const e of log.read()) out.push([e.id, (e.data as { creation_ts: number }).creation_ts]);
  return out;
}

describe('FileEventLog under hostile conditions', () => {
  it('keeps the file and its index in agreement when a commit listener throws', async () => {
    const log = await FileEventLog.open(fresh());
    cleanup.push(() => log.close());
    log.onCommit(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    let heard = 0;
    log.onCommit(() => heard++);
    const results = await Promise.all([log.append([event(0)]), log.append([event(1), event(2)])]);
    expect(results.map((r) => r.ids)).toEqual([[0], [1, 2]]);
    expect((await log.append([event(3)])).ids).toEqual([3]);
    expect(heard).toBe(3);
    expect(await ids(log)).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('never counts events a crash kept out of the log as duplicates (records are reconciled with the log on open)', async () => {
    const dir = fresh();
    let log = await FileEventLog.open(dir);
    await log.append([event(0), event(1)], { publisherId: 'p', firstSeq: 0 });
    await log.close();
    // A crash between the sequence record and the events it describes.
    appendFileSync(join(dir, 'publishers.log'), `${JSON.stringify({ p: 'q', s: 0, e: 2, n: 10 })}\n`);
    log = await FileEventLog.open(dir);
    await log.append(Array.from({ length: 10 }, (_, i) => event(100 + i))); // another publisher fills lines 2..11
    await log.close();
    log = await FileEventLog.open(dir); // a later restart must not read those lines as q's
    cleanup.push(() => log.close());
    const resent = await log.append(
      Array.from({ length: 10 }, (_, i) => event(200 + i)),
      { publisherId: 'q', firstSeq: 0 },
    );
    expect(resent).toEqual({ ids: Array.from({ length: 10 }, (_, i) => 12 + i), duplicates: 0 });
    expect(await log.lastSeq('p')).toBe(1);
    expect(await log.lastSeq('q')).toBe(9);
  });
});

describe('FileEventStorage with many grid searches', () => {
  const fds = () => readdirSync('/proc/self/fd').length;

  it('keeps a bounded number of logs open, reopens closed ones on use, and creates nothing for has()', async () => {
    const root = fresh();
    const storage = new FileEventStorage(root, { maxOpenLogs: 4, fsync: 'never' });
    cleanup.push(() => storage.close());
    const before = fds();
    for (let i = 0; i < 40; i++) await (await storage.log(`gs-${i}`)).append([event(i)]);
    expect(storage.openLogs).toBeLessThanOrEqual(4);
    // The closes run in the background: their descriptors go once they are done.
    await until(() => fds() - before <= 2 * 4 + 6, 'the descriptors of closed logs to go');
    for (let i = 0; i < 40; i += 7) {
      const log = await storage.log(`gs-${i}`);
      expect(log.length).toBe(1);
      expect(await ids(log)).toEqual([[0, i]]);
      expect((await log.append([event(1000 + i)])).ids).toEqual([1]);
    }
    expect(storage.openLogs).toBeLessThanOrEqual(4);
    expect(storage.has('gs-3')).toBe(true);
    expect(storage.has('never-published')).toBe(false);
    expect(storage.has('constructor')).toBe(false);
    expect(readdirSync(root).filter((d) => !d.startsWith('.')).length).toBe(40);
    const list = await storage.list();
    expect(list).toHaveLength(40);
  });

  it('closes logs left idle and still broadcasts commits after reopening them', async () => {
    const storage = new FileEventStorage(fresh(), { idleCloseMs: 40, fsync: 'never' });
    cleanup.push(() => storage.close());
    const log = await storage.log('g');
    const heard: number[] = [];
    log.onCommit((first) => heard.push(first));
    await log.append([event(0)]);
    await until(() => storage.openLogs === 0, 'the idle log to be closed');
    expect(log.length).toBe(1);
    await log.append([event(1)]);
    expect(heard).toEqual([0, 1]);
  });
});

describe('symlinks in an event storage folder', () => {
  it('are refused, never written through', async () => {
    const outside = fresh();
    writeFileSync(join(outside, 'victim'), 'precious\n');
    const dir = fresh();
    symlinkSync(join(outside, 'victim'), join(dir, 'event_storage.log'));
    await expect(FileEventLog.open(dir)).rejects.toMatchObject({ code: 'ELOOP' });
    const dir2 = fresh();
    symlinkSync(join(outside, 'victim'), join(dir2, 'publishers.log'));
    await expect(FileEventLog.open(dir2)).rejects.toMatchObject({ code: 'ELOOP' });
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('precious\n');
  });
});
