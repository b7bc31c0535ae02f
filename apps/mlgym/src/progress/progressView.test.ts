import { describe, expect, it } from 'vitest';
import type { MlgymEvent } from '@mlgym/protocol';
import { ProgressView } from './progressView.js';

const gs = 'g';
const job = (id: number, status: 'INIT' | 'RUNNING' | 'DONE', error: string | null = null): MlgymEvent => ({
  event_type: 'job_status',
  creation_ts: 0,
  payload: {
    grid_search_id: gs,
    experiment_id: id,
    job_id: `${gs}-${id}`,
    job_type: 1,
    status,
    starting_time: 0,
    finishing_time: 0,
    error,
    stacktrace: null,
  },
});
const train = (id: number, epoch: number, batch: number): MlgymEvent => ({
  event_type: 'experiment_status',
  creation_ts: 0,
  payload: {
    grid_search_id: gs,
    experiment_id: id,
    status: 'train',
    num_epochs: 4,
    current_epoch: epoch,
    splits: ['train'],
    current_split: 'train',
    num_batches: 10,
    current_batch: batch,
  },
});
const result = (id: number, epoch: number, score: number): MlgymEvent => ({
  event_type: 'evaluation_result',
  creation_ts: 0,
  payload: {
    grid_search_id: gs,
    experiment_id: id,
    epoch,
    metric_scores: [{ metric: 'F1', split: 'val', score }],
    loss_scores: [],
  },
});

describe('ProgressView', () => {
  it('writes plain lines per epoch and per finished experiment when not on a terminal', () => {
    const lines: string[] = [];
    const view = new ProgressView((t) => lines.push(t), false);
    for (const e of [
      job(0, 'INIT'),
      job(1, 'INIT'),
      job(0, 'RUNNING'),
      train(0, 0, 4),
      result(0, 0, 0.5),
      job(0, 'DONE'),
      job(1, 'RUNNING'),
      job(1, 'DONE', 'boom'),
    ])
      view.observe(e);
    expect(lines).toEqual([
      'experiment 0: epoch 1/4 val F1 0.5000',
      'experiment 0: done (1/2)',
      'experiment 1: failed: boom (2/2)',
    ]);
  });

  it('redraws one bar per running experiment under an overall bar on a terminal', () => {
    const frames: string[] = [];
    const view = new ProgressView((t) => frames.push(t), true);
    for (const e of [
      job(0, 'INIT'),
      job(1, 'INIT'),
      job(0, 'RUNNING'),
      job(1, 'RUNNING'),
      train(0, 1, 4),
      result(1, 0, 0.25),
      job(1, 'DONE'),
    ])
      view.observe(e);
    view.finish();
    const last = frames.at(-1) as string;
    expect(last).toContain('overall    [##########..........] 1/2 experiments');
    expect(last).toMatch(/exp {4}0 +\[#+\.+\] epoch 2\/4 train train 5\/10/);
    expect(last).not.toContain('exp    1');
    expect(last.startsWith('\x1b[')).toBe(true);
  });

  it("shows an interrupted experiment as such, and an adaptive search's decisions in the overall line", () => {
    const lines: string[] = [];
    const view = new ProgressView((t) => lines.push(t), false);
    view.observe(job(0, 'INIT'));
    view.observe(job(0, 'RUNNING'));
    view.observe({
      event_type: 'job_interrupted',
      creation_ts: 0,
      payload: {
        grid_search_id: gs,
        experiment_id: 0,
        job_id: `${gs}-0`,
        epoch: 2,
        reason: 'the run was stopped',
        time: 1,
      },
    });
    expect(lines).toContain('experiment 0: interrupted after 3 epochs');
    const frames: string[] = [];
    const tty = new ProgressView((t) => frames.push(t), true);
    const decision = (kind: 'started' | 'stopped'): MlgymEvent => ({
      event_type: 'search_decision',
      creation_ts: 0,
      payload: {
        grid_search_id: gs,
        seq: 0,
        trial_id: 0,
        experiment_ids: [0],
        decision: kind,
        bracket: 0,
        rung: 0,
        epoch: 0,
        next_epoch: 1,
        score: null,
        cutoff: null,
      },
    });
    tty.observe(job(0, 'INIT'));
    tty.observe(decision('started'));
    tty.observe(decision('stopped'));
    tty.finish();
    expect(frames.at(-1)).toContain('(search: 1 started, 1 stopped)');
  });
});
