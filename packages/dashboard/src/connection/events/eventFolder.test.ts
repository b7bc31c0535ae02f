import type { MlgymEvent } from '@mlgym/protocol';
import { describe, expect, it } from 'vitest';
import { evaluation, experimentConfig, experimentStatus, jobStatus } from '../../test/events';
import { createEventFolder, transferables } from './eventFolder';

describe('createEventFolder', () => {
  it('folds every event type of the protocol into rows, configs and points', () => {
    const folder = createEventFolder();
    [
      experimentConfig(0, 0.01, 16),
      jobStatus(0, 'RUNNING'),
      experimentStatus(0, 1, 'evaluation', 3),
      evaluation(0, 0, { f1: 0.5, loss: 0.9 }),
      evaluation(0, 1, { f1: 0.6, loss: 0.7 }),
    ].forEach((e, i) => folder.fold(i, e));
    const update = folder.take();
    expect(update.events).toBe(5);
    expect(update.lastEventId).toBe(4);
    expect(update.rows).toEqual([
      {
        experiment_id: 0,
        job_id: '2024-01-01--00-00-00-0',
        job_type: 1,
        job_status: 'RUNNING',
        starting_time: 1_700_000_000,
        finishing_time: -1,
        error: null,
        stacktrace: null,
        model_status: 'evaluation',
        num_epochs: 4,
        current_epoch: 1,
        splits: 'val,test',
        current_split: 'val',
        num_batches: 10,
        current_batch: 3,
      },
    ]);
    expect(update.configs[0]?.experiment_id).toBe(0);
    expect(update.points.map((p) => ({ ...p, epochs: [...p.epochs], values: [...p.values] }))).toEqual([
      {
        key: 'val_F1_SCORE_macro',
        split: 'val',
        tag: 'F1_SCORE_macro',
        kind: 'metric',
        experiment_id: 0,
        epochs: [0, 1],
        values: [0.5, 0.6],
      },
      {
        key: 'val_cross_entropy_loss',
        split: 'val',
        tag: 'cross_entropy_loss',
        kind: 'loss',
        experiment_id: 0,
        epochs: [0, 1],
        values: [0.9, 0.7],
      },
    ]);
    expect(update.unknown + update.malformed).toBe(0);
  });

  it('keeps one value per epoch: a repeated epoch overwrites, points come out sorted by epoch', () => {
    const folder = createEventFolder();
    folder.fold(0, evaluation(1, 2, { f1: 0.3 }));
    folder.fold(1, evaluation(1, 0, { f1: 0.1 }));
    folder.fold(2, evaluation(1, 2, { f1: 0.35 }));
    const [points] = folder.take().points;
    expect([...(points?.epochs ?? [])]).toEqual([0, 2]);
    expect([...(points?.values ?? [])]).toEqual([0.1, 0.35]);
  });

  it('counts unknown and malformed events, keeps a message for each, and never throws', () => {
    const folder = createEventFolder();
    folder.fold(0, { event_type: 'job_scheduled', creation_ts: 1, payload: {} });
    folder.fold(1, { event_type: 'evaluation_result', creation_ts: 1, payload: { experiment_id: 'x' } });
    folder.fold(2, 'not json at all');
    folder.fold(3, null);
    folder.fold(4, evaluation(0, 0, { f1: 0.5 }));
    const update = folder.take();
    expect(update.unknown).toBe(1);
    expect(update.malformed).toBe(3);
    expect(update.problems[0]).toBe('event 0 has an unknown event_type "job_scheduled"');
    expect(update.problems[1]).toMatch(/^event 1 \(evaluation_result\) is malformed at payload\./);
    expect(update.points).toHaveLength(1);
  });

  it('stores null scores as gaps and leaves per-class score lists out of the charts', () => {
    const folder = createEventFolder();
    folder.fold(0, evaluation(0, 0, { f1: null }));
    folder.fold(1, {
      ...evaluation(0, 1, {}),
      payload: {
        ...evaluation(0, 1, {}).payload,
        metric_scores: [{ metric: 'F1_SCORE_macro', split: 'val', score: [0.1, 0.2] }],
      },
    });
    const update = folder.take();
    const [points] = update.points;
    expect([...(points?.epochs ?? [])]).toEqual([0]);
    expect([...(points?.values ?? [])]).toEqual([NaN]);
    expect(update.missingScores).toBe(1);
    expect(update.problems).toEqual([
      'no number for val_F1_SCORE_macro of experiment 0 at epoch 0 (null or NaN): drawn as a gap',
    ]);
  });

  it('rejects malformed progress and score events with the schema message, whatever field is wrong', () => {
    const folder = createEventFolder();
    const good = evaluation(0, 0, { f1: 0.5, loss: 1 });
    const status = experimentStatus(0, 1);
    const bad = [
      { ...good, payload: { ...good.payload, epoch: -1 } },
      { ...good, payload: { ...good.payload, epoch: 1.5 } },
      { ...good, payload: { ...good.payload, grid_search_id: '../etc' } },
      { ...good, payload: { ...good.payload, metric_scores: [{ metric: 'f1', split: 'val', score: 'high' }] } },
      { ...good, payload: { ...good.payload, loss_scores: [{ split: 'val', score: 1 }] } },
      { ...good, creation_ts: 'now' },
      { ...status, payload: { ...status.payload, status: 'paused' } },
      { ...status, payload: { ...status.payload, current_batch: -3 } },
      { ...status, payload: { ...status.payload, splits: 'val' } },
    ];
    bad.forEach((e, i) => folder.fold(i, e));
    folder.fold(bad.length, good);
    const update = folder.take();
    expect(update.malformed).toBe(bad.length);
    expect(update.problems).toHaveLength(5);
    for (const p of update.problems)
      expect(p).toMatch(/^event \d+ \((evaluation_result|experiment_status)\) is malformed/);
    expect(update.problems.at(-1)).toMatch(/at payload\.splits/);
    expect(update.rows).toEqual([{ experiment_id: 0 }]);
    expect(update.points.map((p) => [p.key, [...p.values]])).toEqual([
      ['val_F1_SCORE_macro', [0.5]],
      ['val_cross_entropy_loss', [1]],
    ]);
  });

  it('grows its columns past their first size and keeps epochs in order', () => {
    const folder = createEventFolder();
    for (let e = 0; e < 100; e++) folder.fold(e, evaluation(2, e, { loss: e }));
    const [points] = folder.take().points;
    expect([...(points?.epochs ?? [])]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...(points?.values ?? [])]).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('starts a new update after take and remembers the last event id across takes', () => {
    const folder = createEventFolder(41);
    folder.fold(42, jobStatus(3, 'INIT'));
    folder.take();
    expect(folder.pending).toBe(false);
    expect(folder.lastEventId).toBe(42);
    expect(folder.take().rows).toEqual([]);
  });

  it('posts every series as views of two buffers: a post transfers two buffers however many series it holds', () => {
    const folder = createEventFolder();
    for (let id = 0; id < 5; id++)
      for (let epoch = 0; epoch < 3; epoch++)
        folder.fold(id * 3 + epoch, evaluation(id, epoch, { f1: id + epoch / 10, loss: id }));
    folder.fold(99, evaluation(2, 1, { f1: 7, loss: 2 })); // a repeated epoch: that series is sorted anew
    const update = folder.take();
    expect(update.points).toHaveLength(10);
    const buffers = transferables(update);
    expect(buffers).toHaveLength(2);
    for (const p of update.points) {
      expect(buffers).toContain(p.epochs.buffer);
      expect([...p.epochs]).toEqual([0, 1, 2]);
    }
    const f1 = (id: number) => [
      ...(update.points.find((p) => p.experiment_id === id && p.tag === 'F1_SCORE_macro')?.values ?? []),
    ];
    expect(f1(4)).toEqual([4, 4.1, 4.2]);
    expect(f1(2)).toEqual([2, 7, 2.2]);
    // posting moves both buffers: nothing of the update stays behind in the worker
    const { port1 } = new MessageChannel();
    port1.postMessage(update, buffers);
    expect(buffers.every((b) => b.byteLength === 0)).toBe(true);
    port1.close();
  });

  it('a lost worker reported after the job finished elsewhere leaves it finished, in the same take or a later one', () => {
    const interrupted = (id: number): MlgymEvent => ({
      event_type: 'job_interrupted',
      creation_ts: 2,
      payload: {
        grid_search_id: '2024-01-01--00-00-00',
        experiment_id: id,
        job_id: `2024-01-01--00-00-00-${id}`,
        epoch: 3,
        reason: 'its worker was lost; another worker continues it from its last checkpoint',
        time: 2,
      },
    });
    const folder = createEventFolder();
    [jobStatus(0, 'RUNNING'), jobStatus(0, 'DONE'), interrupted(0), jobStatus(1, 'DONE')].forEach((e, i) =>
      folder.fold(i, e),
    );
    expect(folder.take().rows.map((r) => [r.experiment_id, r.job_status])).toEqual([
      [0, 'DONE'],
      [1, 'DONE'],
    ]);
    folder.fold(4, interrupted(1));
    expect(folder.take().rows).toEqual([]);
    // a job still running is interrupted; a warm start running a finished one again may be too
    [jobStatus(2, 'RUNNING'), interrupted(2), jobStatus(1, 'RUNNING'), interrupted(1)].forEach((e, i) =>
      folder.fold(5 + i, e),
    );
    expect(folder.take().rows.map((r) => [r.experiment_id, r.job_status])).toEqual([
      [2, 'INTERRUPTED'],
      [1, 'INTERRUPTED'],
    ]);
  });
});
