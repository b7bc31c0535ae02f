import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileEventStorage, writeAnnotation } from '@mlgym/event-store';
import { MlgymError } from '@mlgym/protocol';
import { createWsEndpoint } from '@mlgym/ws-endpoint';
import { main } from '../main.js';
import { parseTagChanges, parseTargets } from './annotateCommand.js';

const GS = '2026-12-07--14-00-00';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A storage folder holding one grid search of three experiments. */
async function store(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-annotate-cli-'));
  const storage = new FileEventStorage(root);
  const log = await storage.log(GS);
  await log.append(
    [0, 1, 2].map((i) => ({
      event_type: 'experiment_config',
      creation_ts: 1,
      payload: { grid_search_id: GS, experiment_id: i, job_id: i, config: {} },
    })),
  );
  await storage.close();
  return root;
}

const annotations = (root: string) =>
  readFileSync(join(root, GS, 'event_storage.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { event_type: string; payload: Record<string, unknown> })
    .filter((e) => e.event_type === 'annotation')
    .map((e) => e.payload);

describe('argument parsing', () => {
  it('reads experiment lists, ranges and gs; +tag and -tag', () => {
    expect(parseTargets('3')).toEqual([3]);
    expect(parseTargets('0,3-5')).toEqual([0, 3, 4, 5]);
    expect(parseTargets('gs')).toEqual([null]);
    expect(() => parseTargets('x')).toThrow(/names no experiment/);
    expect(parseTagChanges(['+best', '-baseline', '+lr:0.1'])).toEqual({
      add: ['best', 'lr:0.1'],
      remove: ['baseline'],
    });
    expect(() => parseTagChanges(['best'])).toThrow(/\+tag to add or -tag to remove/);
    expect(() => parseTagChanges(['+two words'])).toThrow(/not a tag change/);
  });
});

describe('mlgym tag and mlgym note on a storage folder', () => {
  it('stores the edits as annotation events of the log and prints what the experiments carry', async () => {
    const root = await store();
    const tagged = await run('tag', GS, '0,2', '+best', '+mnist', '--event_storage_path', root);
    expect(tagged).toMatchObject({ code: 0, out: 'experiment 0: best, mnist\nexperiment 2: best, mnist' });
    expect((await run('tag', GS, '2', '-mnist', '--event_storage_path', root)).out).toBe('experiment 2: best');
    expect((await run('tag', GS, '0-2', '--event_storage_path', root)).out).toBe(
      'experiment 0: best, mnist\nexperiment 1: (no tags)\nexperiment 2: best',
    );
    expect((await run('note', GS, '# Sweep\nlr 0.1 wins', '--event_storage_path', root)).out).toBe(
      'grid search: note saved (19 characters)',
    );
    expect((await run('note', GS, '1', 'diverged', '--event_storage_path', root)).code).toBe(0);
    expect((await run('note', GS, '--event_storage_path', root)).out).toBe('# Sweep\nlr 0.1 wins');
    expect((await run('note', GS, '1', '--event_storage_path', root)).out).toBe('diverged');
    expect(annotations(root)).toEqual([
      expect.objectContaining({ experiment_id: 0, add_tags: ['best', 'mnist'], source: 'cli' }),
      expect.objectContaining({ experiment_id: 2, add_tags: ['best', 'mnist'] }),
      expect.objectContaining({ experiment_id: 2, remove_tags: ['mnist'] }),
      expect.objectContaining({ experiment_id: null, note: '# Sweep\nlr 0.1 wins', note_base: null }),
      expect.objectContaining({ experiment_id: 1, note: 'diverged' }),
    ]);
  });

  it('refuses an unknown experiment, a bad tag and a folder an endpoint serves (naming --ws_endpoint)', async () => {
    const root = await store();
    const unknown = await run('tag', GS, '7', '+x', '--event_storage_path', root);
    expect(unknown).toMatchObject({
      code: 2,
      err: expect.stringMatching(/no experiment 7 \(expected one of 0, 1, 2\)/),
    });
    expect((await run('tag', GS, '1', 'x', '--event_storage_path', root)).code).toBe(2);
    const storage = new FileEventStorage(root);
    const endpoint = createWsEndpoint({ storage });
    await storage.lockRoot();
    try {
      const locked = await run('tag', GS, '1', '+x', '--event_storage_path', root);
      expect(locked).toMatchObject({
        code: 2,
        err: expect.stringMatching(/served by an ml_board_ws_endpoint.*--ws_endpoint/s),
      });
    } finally {
      await endpoint.close();
      await storage.close();
    }
    expect(annotations(root)).toEqual([]);
  });
});

describe('mlgym tag and mlgym note through the websocket endpoint', () => {
  it('sends the edits to the endpoint, and a note changed meanwhile is refused with the current text', async () => {
    const root = await store();
    const storage = new FileEventStorage(root);
    const endpoint = createWsEndpoint({ storage });
    const url = `http://127.0.0.1:${await endpoint.listen(0)}`;
    try {
      expect((await run('tag', GS, 'gs', '+sweep', '--ws_endpoint', url)).out).toBe('grid search: sweep');
      expect((await run('note', GS, '0', 'first', '--ws_endpoint', url)).code).toBe(0);
      expect((await run('note', GS, '0', '--ws_endpoint', url)).out).toBe('first');
      // a board saved over "first" while the CLI still held it
      const source = { kind: 'endpoint' as const, url };
      await writeAnnotation(source, GS, { experiment_id: 0, note: 'from the board', note_base: 4 });
      const stale = writeAnnotation(source, GS, { experiment_id: 0, note: 'stale', note_base: 4 });
      const error = await stale.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MlgymError);
      expect(error).toMatchObject({ code: 'CONFLICT', cause: { text: 'from the board' } });
      expect((await run('note', GS, '0', '--ws_endpoint', url)).out).toBe('from the board');
    } finally {
      await endpoint.close();
      await storage.close();
    }
    expect(annotations(root).map((a) => a['note'] ?? a['add_tags'])).toEqual([['sweep'], 'first', 'from the board']);
  });
});
