import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnnotations } from './gridSearchAnnotations.js';
import { readGridSearchLines } from './gridSearchSource.js';

async function lines(root: string, gs: string) {
  const out: Array<[number, string]> = [];
  for await (const { id, line } of readGridSearchLines({ kind: 'local', root }, gs)) out.push([id, line]);
  return out;
}

describe('readGridSearchLines from a storage folder', () => {
  it('reads every whole line with its id, and leaves out a last line a writer has not finished', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-gs-lines-'));
    mkdirSync(join(root, 'gs'));
    const log = join(root, 'gs', 'event_storage.log');
    writeFileSync(log, '{"a":1}\n{"b":2}\n{"c":');
    expect(await lines(root, 'gs')).toEqual([
      [0, '{"a":1}'],
      [1, '{"b":2}'],
    ]);
    appendFileSync(log, '3}\n');
    expect((await lines(root, 'gs')).at(-1)).toEqual([2, '{"c":3}']);
  });

  it('names a missing grid search and refuses a path for one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-gs-lines-'));
    await expect(lines(root, 'nothing')).rejects.toThrow(/no grid search nothing in/);
    await expect(lines(root, '../etc')).rejects.toMatchObject({ code: 'STORAGE_PATH_UNSAFE' });
  });

  it('folds the annotations and knows the experiments of a log', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-gs-lines-'));
    mkdirSync(join(root, 'gs'));
    const events = [
      {
        event_type: 'experiment_config',
        creation_ts: 1,
        payload: { grid_search_id: 'gs', experiment_id: 4, job_id: 4, config: {} },
      },
      {
        event_type: 'annotation',
        creation_ts: 1,
        payload: { grid_search_id: 'gs', experiment_id: 4, add_tags: ['x'], time: 1 },
      },
      {
        event_type: 'annotation',
        creation_ts: 1,
        payload: { grid_search_id: 'gs', experiment_id: null, note: 'n', time: 1 },
      },
    ];
    writeFileSync(join(root, 'gs', 'event_storage.log'), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const view = await readAnnotations({ kind: 'local', root }, 'gs');
    expect([...view.experiments]).toEqual([4]);
    expect(view.fold.target(4).tags).toEqual(['x']);
    expect(view.fold.target(null).note).toMatchObject({ text: 'n', event_id: 2 });
    expect(view.next).toBe(3);
  });
});
