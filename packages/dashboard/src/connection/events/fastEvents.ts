import { EVENT_SCHEMAS } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import { compileCheck } from './compileCheck';

type PayloadOf<T extends MlgymEvent['event_type']> = Extract<MlgymEvent, { event_type: T }>['payload'];
export type EvaluationResultPayload = PayloadOf<'evaluation_result'>;
export type ExperimentStatusPayload = PayloadOf<'experiment_status'>;

/*
 * The fast path for the two event types that make up nearly every stored log (progress and scores,
 * one of each per epoch). The profile of a 40,000-event history showed zod's generic walk (bounds
 * refinements plus a discriminated union) as the largest part of the worker's folding; these checks
 * are compiled from the protocol's own schemas (compileCheck.ts), so they test the same fields with
 * the same rules and change when the protocol does. They only ever accept: an event they do not
 * accept goes through `MlgymEventSchema`, which accepts it or names what is wrong. Depth and size
 * bounds are not needed here: only the checked fields are read, the event itself never leaves the worker.
 */
export const isEvaluationEvent = compileCheck(EVENT_SCHEMAS.evaluation_result);
export const isExperimentStatusEvent = compileCheck(EVENT_SCHEMAS.experiment_status);

/** The payload of a well-formed `evaluation_result` event, or null (then ask the schema). */
export function readEvaluation(data: unknown): EvaluationResultPayload | null {
  return isEvaluationEvent(data) ? data.payload : null;
}

/** The payload of a well-formed `experiment_status` event, or null (then ask the schema). */
export function readExperimentStatus(data: unknown): ExperimentStatusPayload | null {
  return isExperimentStatusEvent(data) ? data.payload : null;
}
