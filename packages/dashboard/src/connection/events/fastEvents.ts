import type { MlgymEvent } from '@mlgym/protocol';

type PayloadOf<T extends MlgymEvent['event_type']> = Extract<MlgymEvent, { event_type: T }>['payload'];
export type EvaluationResultPayload = PayloadOf<'evaluation_result'>;
export type ExperimentStatusPayload = PayloadOf<'experiment_status'>;

/*
 * Hand-written checks for the two event types that make up nearly every stored log (progress and
 * scores, one of each per epoch). The profile of a 40,000-event history showed zod's generic walk
 * (bounds refinements plus a discriminated union) as the largest part of the worker's folding; these
 * checks test the same fields with the same rules and nothing else. They only ever accept: an event
 * they do not accept goes through `MlgymEventSchema`, which accepts it or names what is wrong.
 * Depth and size bounds are not needed here: only the checked primitive fields are read, the event
 * object itself never leaves the worker.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
let lastSafeName = '';

function isSafeName(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (v === lastSafeName) return true; // one grid search per log: checked once
  if (v.length < 1 || v.length > 128 || !SAFE_NAME.test(v) || v.includes('..')) return false;
  lastSafeName = v;
  return true;
}

function isScore(v: unknown): boolean {
  if (v === null || isNum(v)) return true;
  return Array.isArray(v) && v.every(isNum);
}

function isScoreList(v: unknown, name: 'metric' | 'loss'): boolean {
  if (!Array.isArray(v)) return false;
  for (const s of v) {
    if (!isObj(s) || typeof s[name] !== 'string' || typeof s['split'] !== 'string' || !isScore(s['score']))
      return false;
  }
  return true;
}

function envelope(data: unknown, type: string): Obj | null {
  if (!isObj(data) || data['event_type'] !== type || !isNum(data['creation_ts'])) return null;
  const payload = data['payload'];
  return isObj(payload) && isSafeName(payload['grid_search_id']) && isCount(payload['experiment_id']) ? payload : null;
}

/** The payload of a well-formed `evaluation_result` event, or null (then ask the schema). */
export function readEvaluation(data: unknown): EvaluationResultPayload | null {
  const p = envelope(data, 'evaluation_result');
  if (
    !p ||
    !isCount(p['epoch']) ||
    !isScoreList(p['metric_scores'], 'metric') ||
    !isScoreList(p['loss_scores'], 'loss')
  )
    return null;
  return p as EvaluationResultPayload;
}

/** The payload of a well-formed `experiment_status` event, or null (then ask the schema). */
export function readExperimentStatus(data: unknown): ExperimentStatusPayload | null {
  const p = envelope(data, 'experiment_status');
  if (
    !p ||
    (p['status'] !== 'train' && p['status'] !== 'evaluation') ||
    !isCount(p['num_epochs']) ||
    !isCount(p['current_epoch']) ||
    !Array.isArray(p['splits']) ||
    !p['splits'].every((s) => typeof s === 'string') ||
    (p['current_split'] !== null && typeof p['current_split'] !== 'string') ||
    !isCount(p['num_batches']) ||
    !isCount(p['current_batch'])
  )
    return null;
  return p as ExperimentStatusPayload;
}
