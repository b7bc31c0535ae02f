import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_SCHEMAS, MlgymEventSchema } from '@mlgym/protocol';
import { evaluation, experimentStatus } from '../../test/events';
import { isEvaluationEvent, isExperimentStatusEvent, readEvaluation, readExperimentStatus } from './fastEvents';

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

/** Sets the value at a dotted path (array indices as numbers), making the path's objects where missing. */
function setAt(target: Json, path: Array<string | number>, value: unknown): Json {
  const out = clone(target);
  let at: Record<string | number, unknown> = out;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at = (typeof next === 'object' && next !== null ? next : (at[key] = {})) as Record<string | number, unknown>;
  }
  const last = path.at(-1)!;
  if (value === DELETE) delete at[last];
  else at[last] = value;
  return out;
}
const DELETE = Symbol('delete');

const evaluationEvent = evaluation(3, 7, { f1: 0.5, loss: 0.25 }) as unknown as Json;
const statusEvent = experimentStatus(3, 2, 'train', 4) as unknown as Json;

/** Paths of the fields a fast path reads, and of the envelope around them. */
const EVALUATION_PATHS: Array<Array<string | number>> = [
  ['event_type'],
  ['creation_ts'],
  ['payload'],
  ['payload', 'grid_search_id'],
  ['payload', 'experiment_id'],
  ['payload', 'epoch'],
  ['payload', 'metric_scores'],
  ['payload', 'metric_scores', 0],
  ['payload', 'metric_scores', 0, 'metric'],
  ['payload', 'metric_scores', 0, 'split'],
  ['payload', 'metric_scores', 0, 'score'],
  ['payload', 'loss_scores', 0, 'loss'],
  ['payload', 'loss_scores', 0, 'score'],
  ['payload', 'extra'],
  ['extra'],
];
const STATUS_PATHS: Array<Array<string | number>> = [
  ['event_type'],
  ['creation_ts'],
  ['payload'],
  ['payload', 'grid_search_id'],
  ['payload', 'experiment_id'],
  ['payload', 'status'],
  ['payload', 'num_epochs'],
  ['payload', 'current_epoch'],
  ['payload', 'splits'],
  ['payload', 'splits', 0],
  ['payload', 'current_split'],
  ['payload', 'num_batches'],
  ['payload', 'current_batch'],
  ['payload', 'extra'],
];

/** Values at the edges of the protocol's rules, beside anything fast-check makes up. */
const EDGES: unknown[] = [
  DELETE,
  null,
  undefined,
  0,
  -1,
  1.5,
  -0,
  2 ** 53,
  2 ** 53 + 2,
  Infinity,
  -Infinity,
  NaN,
  '',
  'x',
  'a'.repeat(128),
  'a'.repeat(129),
  '..',
  'run..1',
  '.hidden',
  'a/b',
  '2024-01-01--00-00-00',
  'train',
  'evaluation',
  'test',
  'evaluation_result',
  'experiment_status',
  [],
  [1, 2],
  [1, 'a'],
  [null],
  ['val'],
  {},
  { metric: 'f1', split: 'val', score: 1 },
  { metric: 'f1', split: 'val', score: null },
  { metric: 'f1', split: 'val', score: [0.1, 0.2] },
  { loss: 'ce', split: 'val', score: 1 },
  { loss: 'ce', split: 'val' },
  true,
];

const verdicts = (fast: (v: unknown) => boolean, schema: { safeParse(v: unknown): { success: boolean } }) =>
  fc.property(
    fc.constantFrom(...(fast === isEvaluationEvent ? EVALUATION_PATHS : STATUS_PATHS)),
    fc.oneof(fc.constantFrom(...EDGES), fc.anything()),
    (path, value) => {
      const event = setAt(fast === isEvaluationEvent ? evaluationEvent : statusEvent, path, value);
      expect(fast(event), `${path.join('.')} = ${fc.stringify(value)}`).toBe(schema.safeParse(event).success);
    },
  );

describe('the fast path of event folding, compiled from the protocol schemas', () => {
  it('compiles every part of the two schemas (none is left to zod on each event)', () => {
    expect(isEvaluationEvent.delegated).toEqual([]);
    expect(isExperimentStatusEvent.delegated).toEqual([]);
  });

  it('gives the verdict of the protocol schema for the same events: valid ones, each edge of each field, and made-up values', () => {
    expect(isEvaluationEvent(evaluationEvent)).toBe(true);
    expect(isExperimentStatusEvent(statusEvent)).toBe(true);
    fc.assert(verdicts(isEvaluationEvent, EVENT_SCHEMAS.evaluation_result), { numRuns: 2000 });
    fc.assert(verdicts(isExperimentStatusEvent, EVENT_SCHEMAS.experiment_status), { numRuns: 2000 });
    // and for whole values of any shape
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(isEvaluationEvent(value)).toBe(EVENT_SCHEMAS.evaluation_result.safeParse(value).success);
        expect(isExperimentStatusEvent(value)).toBe(EVENT_SCHEMAS.experiment_status.safeParse(value).success);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts only what MlgymEventSchema accepts (within its size bounds), and hands over the payload as it is', () => {
    for (const event of [evaluationEvent, statusEvent]) expect(MlgymEventSchema.safeParse(event).success).toBe(true);
    expect(readEvaluation(evaluationEvent)).toBe(evaluationEvent['payload']);
    expect(readExperimentStatus(statusEvent)).toBe(statusEvent['payload']);
    expect(readEvaluation(statusEvent)).toBeNull();
    expect(readExperimentStatus(evaluationEvent)).toBeNull();
    // a run id of one grid search is checked once, and a bad one after it still is not accepted
    expect(readEvaluation(setAt(evaluationEvent, ['payload', 'grid_search_id'], 'run..1'))).toBeNull();
    expect(readEvaluation(setAt(evaluationEvent, ['payload', 'grid_search_id'], 'a/b'))).toBeNull();
  });
});
