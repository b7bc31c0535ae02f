import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileEventStorage } from '@mlgym/event-store';
import { EVENT_SNAPSHOT_FILE } from '@mlgym/storage';
import { decodeSnapshot } from '@mlgym/protocol';
import type { GridSearchSnapshot } from '@mlgym/protocol';
import { createSnapshots } from './snapshots.js';

const GS = 'gs-snap';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const payload = (id: number) => ({ grid_search_id: GS, experiment_id: id });
const ev = (event_type: string, p: object) => ({ event_type, creation_ts: 1, payload: p });
const config = (id: number, lr: number) => ev('experiment_config', { ...payload(id), job_id: id, config: { lr } });
const job = (id: number, status: string, times: [number, number] = [10, -1]) =>
  ev('job_status', {
    ...payload(id),
    job_id: `j${id}`,
    job_type: 1,
    status,
    starting_time: times[0],
    finishing_time: times[1],
    error: null,
    stacktrace: null,
  });
const progress = (id: number, epoch: number) =>
  ev('experiment_status', {
    ...payload(id),
    status: 'train',
    num_epochs: 3,
    current_epoch: epoch,
    splits: ['train', 'val'],
    current_split: 'val',
    num_batches: 4,
    current_batch: 2,
  });
const evaluation = (id: number, epoch: number, score: number | null | number[]) =>
  ev('evaluation_result', {
    ...payload(id),
    epoch,
    metric_scores: [{ metric: 'accuracy', split: 'val', score }],
    loss_scores: [{ loss: 'ce', split: 'train', score: 1 }],
  });

function setup(root = mkdtempSync(join(tmpdir(), 'mlgym-snapshots-'))) {
  const storage = new FileEventStorage(root);
  const reports: string[] = [];
  const snapshots = createSnapshots({
    storage,
    logFor: (gs) => storage.log(gs),
    report: (l) => reports.push(l),
    keepAfterEvents: 1,
  });
  cleanup.push(async () => {
    await snapshots.close();
    await storage.close();
  });
  return { root, storage, snapshots, reports };
}

/** The snapshot a keeper serves now, without the digest of its last line. */
async function served(snapshots: ReturnType<typeof createSnapshots>, gs = GS): Promise<GridSearchSnapshot> {
  const keeper = await snapshots.get(gs);
  await keeper.ready;
  const { coveredLineDigest: _digest, ...rest } = decodeSnapshot(keeper.bytes());
  return rest;
}

const column = (s: GridSearchSnapshot, key: string, id: number) => {
  const c = s.series.find((x) => x.key === key)?.columns.find((x) => x.experimentId === id);
  return c && { epochs: [...c.epochs], values: [...c.values] };
};

describe('grid search snapshots', () => {
  it('are not written beside a short log (reading it again is faster)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-snapshots-'));
    const storage = new FileEventStorage(root);
    const snapshots = createSnapshots({ storage, logFor: (gs) => storage.log(gs), report: () => undefined });
    const log = await storage.log(GS);
    await log.append([config(0, 0.1), evaluation(0, 0, 0.5)]);
    await (
      await snapshots.get(GS)
    ).ready;
    await snapshots.close();
    await storage.close();
    expect(existsSync(join(root, GS, EVENT_SNAPSHOT_FILE))).toBe(false);
  });

  it('fold rows, configs and points as the board does: later values win, gaps are NaN, lists are not charted', async () => {
    const { storage, snapshots } = setup();
    const log = await storage.log(GS);
    await log.append([
      config(0, 0.1),
      job(0, 'RUNNING'),
      progress(0, 0),
      evaluation(0, 0, 0.5),
      evaluation(0, 2, null),
      evaluation(0, 1, [0.1, 0.2]), // per class: not charted
      evaluation(0, 1, 0.6), // an earlier epoch after a later one: in order
      evaluation(0, 2, 0.7), // a re-sent epoch: its new value
      config(0, 0.2), // the last config counts
      job(0, 'DONE', [10, 20]),
      job(0, 'DONE', [-1, -1]), // a warm start's DONE keeps the known times
      ev('job_interrupted', { ...payload(0), job_id: 'j0', epoch: 1, reason: 'lost', time: 1 }), // stale: finished
      job(1, 'RUNNING'),
      ev('job_interrupted', { ...payload(1), job_id: 'j1', epoch: 0, reason: 'Ctrl-C', time: 1 }),
    ]);
    const s = await served(snapshots);
    expect(s.nextEventId).toBe(14);
    expect(s.experiments).toEqual([0, 1]);
    expect(s.rows).toEqual([
      {
        experiment_id: 0,
        job_id: 'j0',
        job_type: 1,
        job_status: 'DONE',
        starting_time: 10,
        finishing_time: 20,
        error: null,
        stacktrace: null,
        model_status: 'train',
        num_epochs: 3,
        current_epoch: 0,
        splits: 'train,val',
        current_split: 'val',
        num_batches: 4,
        current_batch: 2,
      },
      expect.objectContaining({ experiment_id: 1, job_status: 'INTERRUPTED', interrupted_epoch: 0 }),
    ]);
    expect(s.configs).toEqual([{ experiment_id: 0, config: { lr: 0.2 } }]);
    expect(s.series.map((x) => [x.key, x.kind])).toEqual([
      ['val_accuracy', 'metric'],
      ['train_ce', 'loss'],
    ]);
    expect(column(s, 'val_accuracy', 0)).toEqual({ epochs: [0, 1, 2], values: [0.5, 0.6, 0.7] });
    expect(column(s, 'train_ce', 0)).toEqual({ epochs: [0, 1, 2], values: [1, 1, 1] });
    expect([s.missingScores, s.missingExample]).toEqual([1, 'val_accuracy of experiment 0 at epoch 2']);
  });

  it('pass on an adaptive search’s events and the last five unreadable ones, counting the others', async () => {
    const { root, snapshots } = setup();
    const lines = [
      JSON.stringify(config(0, 0.1)),
      'not json',
      JSON.stringify(ev('search_plan', { grid_search_id: GS, algorithm: 'asha' })), // malformed plan: passed on too
      JSON.stringify({ event_type: 'weather', creation_ts: 1, payload: {} }),
      ...Array.from({ length: 5 }, (_, i) => JSON.stringify(evaluation(0, i, 'high' as unknown as number))),
      JSON.stringify(evaluation(0, 0, 0.5)),
    ];
    mkdirSync(join(root, GS));
    writeFileSync(join(root, GS, 'event_storage.log'), `${lines.join('\n')}\n`);
    const s = await served(snapshots);
    expect(s.nextEventId).toBe(lines.length);
    // 'not json', the malformed plan and the unknown type are counted; the five bad evaluations are passed on
    expect([s.malformed, s.unknown]).toEqual([2, 1]);
    expect(s.passthrough.map((p) => p.eventId)).toEqual([4, 5, 6, 7, 8]);
    expect(s.passthrough[0]!.line).toBe(lines[4]);
    expect(column(s, 'val_accuracy', 0)).toEqual({ epochs: [0], values: [0.5] });
  });

  it('pass on tags, notes and system metrics (the board folds them), the grid search’s own note too', async () => {
    const { root, snapshots } = setup();
    const sample = ev('system_metrics', {
      ...payload(0),
      time: 1_800_000_000,
      cpu_percent: 97.5,
      rss_bytes: 2e8,
      heap_used_bytes: 5e7,
      tensors: 40,
      tensor_bytes: 1e6,
      backend: 'wasm',
      threads: 2,
      load_1m: 1.5,
      free_memory_bytes: 8e9,
    });
    const lines = [
      JSON.stringify(config(0, 0.1)),
      JSON.stringify(ev('annotation', { ...payload(0), add_tags: ['best'], time: 1 })),
      JSON.stringify(sample),
      JSON.stringify(ev('annotation', { grid_search_id: GS, experiment_id: null, note: 'lr 0.1 wins', time: 2 })),
      JSON.stringify(evaluation(0, 0, 0.5)),
    ];
    mkdirSync(join(root, GS));
    writeFileSync(join(root, GS, 'event_storage.log'), `${lines.join('\n')}\n`);
    const s = await served(snapshots);
    expect([s.nextEventId, s.unknown, s.malformed]).toEqual([5, 0, 0]);
    expect(s.passthrough).toEqual([1, 2, 3].map((eventId) => ({ eventId, line: lines[eventId] })));
    expect(column(s, 'val_accuracy', 0)).toEqual({ epochs: [0], values: [0.5] });
  });

  it('follow commits as they are written, and keep what they hold beside the log when closed', async () => {
    const { root, storage, snapshots } = setup();
    const log = await storage.log(GS);
    snapshots.follow(GS, log);
    await log.append([config(0, 0.1), evaluation(0, 0, 0.5)]);
    const keeper = await snapshots.get(GS);
    await keeper.ready;
    await log.append([evaluation(0, 1, 0.6)]);
    expect(keeper.nextEventId).toBe(3);
    expect(column(await served(snapshots), 'val_accuracy', 0)).toEqual({ epochs: [0, 1], values: [0.5, 0.6] });
    await snapshots.close();
    const kept = decodeSnapshot(new Uint8Array(readFileSync(join(root, GS, EVENT_SNAPSHOT_FILE))));
    expect(kept.nextEventId).toBe(3);
  });

  it('go on from the kept snapshot after a restart, reading only what the log has beyond it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-snapshots-'));
    const first = setup(root);
    const log = await first.storage.log(GS);
    await log.append([config(0, 0.1), evaluation(0, 0, 0.5), evaluation(0, 1, 0.6)]);
    await (
      await first.snapshots.get(GS)
    ).ready;
    await first.snapshots.close();
    await first.storage.close();
    expect(existsSync(join(root, GS, EVENT_SNAPSHOT_FILE))).toBe(true);
    // events after the kept snapshot (as after a kill -9 between two keeps)
    const plain = new FileEventStorage(root);
    await (await plain.log(GS)).append([evaluation(0, 2, 0.7), evaluation(1, 0, 0.1)]);
    await plain.close();
    // (an event it holds, changed behind its back, shows that it is not read again)
    const file = join(root, GS, 'event_storage.log');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"lr":0.1', '"lr":0.9'));
    const again = setup(root);
    const s = await served(again.snapshots);
    expect(s.nextEventId).toBe(5);
    expect(s.configs).toEqual([{ experiment_id: 0, config: { lr: 0.1 } }]);
    expect(column(s, 'val_accuracy', 0)).toEqual({ epochs: [0, 1, 2], values: [0.5, 0.6, 0.7] });
    expect(column(s, 'val_accuracy', 1)).toEqual({ epochs: [0], values: [0.1] });
    expect(again.reports).toEqual([]);
  });

  it('rebuild from the log when the kept snapshot is not the log’s (replaced) or unreadable', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-snapshots-'));
    const first = setup(root);
    const log = await first.storage.log(GS);
    await log.append([config(0, 0.1), evaluation(0, 0, 0.5)]);
    await (
      await first.snapshots.get(GS)
    ).ready;
    await first.snapshots.close();
    await first.storage.close();
    // the log replaced by another with as many events: the kept snapshot's last event is not in it
    const other = [config(0, 0.3), evaluation(0, 0, 0.9)].map((e) => JSON.stringify(e)).join('\n');
    writeFileSync(join(root, GS, 'event_storage.log'), `${other}\n`);
    const second = setup(root);
    const s = await served(second.snapshots);
    expect(s.configs).toEqual([{ experiment_id: 0, config: { lr: 0.3 } }]);
    expect(column(s, 'val_accuracy', 0)).toEqual({ epochs: [0], values: [0.9] });
    await second.snapshots.close();
    await second.storage.close();
    writeFileSync(join(root, GS, EVENT_SNAPSHOT_FILE), 'garbage, not a snapshot');
    const third = setup(root);
    expect(column(await served(third.snapshots), 'val_accuracy', 0)).toEqual({ epochs: [0], values: [0.9] });
    expect(third.reports.join('\n')).toMatch(/snapshot of gs-snap is unreadable, rebuilt: .*no MLBS mark/);
  });
});
