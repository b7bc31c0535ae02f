import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventLogProblems, readEvents } from './checks.js';

let ts = 0;
const running = (x: number) => ({
  event_type: 'job_status',
  creation_ts: ++ts,
  payload: { experiment_id: x, status: 'RUNNING' },
});
const done = (x: number, error: string | null = null) => ({
  event_type: 'job_status',
  creation_ts: ++ts,
  payload: { experiment_id: x, status: 'DONE', error },
});
const result = (x: number, epoch: number, score = epoch / 10) => ({
  event_type: 'evaluation_result',
  creation_ts: ++ts,
  payload: { experiment_id: x, epoch, metric_scores: [{ metric: 'acc', split: 'val', score }], loss_scores: [] },
});

function problems(events: object[], numEpochs = 3): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-checks-'));
  writeFileSync(join(dir, 'event_storage.log'), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return eventLogProblems(readEvents(dir), numEpochs);
}

describe('eventLogProblems', () => {
  it('accepts a clean run, and a retry that re-sends the epochs after its last checkpoint with equal scores', () => {
    expect(problems([running(0), result(0, 0), result(0, 1), result(0, 2), done(0)])).toEqual([]);
    expect(
      problems([
        running(0),
        result(0, 0),
        result(0, 1),
        done(0, 'killed'),
        running(0),
        result(0, 1),
        result(0, 2),
        done(0),
      ]),
    ).toEqual([]);
  });

  it('finds a stored duplicate, a gap, a repeat within an attempt, changed scores, a missing epoch and a failed end', () => {
    const first = result(0, 0);
    expect(problems([running(0), first, first, result(0, 1), result(0, 2), done(0)])).toEqual([
      'line 2 repeats line 1 (evaluation_result)',
      'experiment 0, attempt 1, line 2: epoch 0 where 1 was next',
      'experiment 0, attempt 1, line 2: epoch 0 reported twice within one attempt',
    ]);
    expect(problems([running(0), result(0, 0), result(0, 2), done(0)])).toEqual([
      'experiment 0, attempt 1, line 2: epoch 2 where 1 was next',
      'experiment 0: no result for epoch 1',
    ]);
    expect(
      problems([running(0), result(0, 0), result(0, 1), running(0), result(0, 1, 0.5), result(0, 2), done(0)]),
    ).toEqual(['experiment 0, attempt 2, line 4: epoch 1 re-sent with different scores']);
    expect(problems([running(0), result(0, 0), running(0), result(0, 2), done(0)])).toEqual([
      'experiment 0, attempt 2, line 3: resumes at epoch 2 though only 0..0 were reported',
      'experiment 0: no result for epoch 1',
    ]);
    expect(problems([running(0), result(0, 0), result(0, 1), result(0, 2), done(0, 'boom')])).toEqual([
      'experiment 0: ends DONE boom',
    ]);
  });
});
