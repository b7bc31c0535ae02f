import { z } from 'zod';
import { MAX_EVENT_BYTES, MAX_JSON_DEPTH, jsonSizeAtLeast, nestsDeeperThan } from './jsonBounds.js';
import { SafeNameSchema } from './safeName.js';
import { JobInterruptedPayloadSchema, SearchDecisionPayloadSchema, SearchPlanPayloadSchema } from './searchEvents.js';

export { SafeNameSchema } from './safeName.js';

const experimentId = z.number().int().nonnegative();

export const JOB_STATUSES = ['INIT', 'RUNNING', 'DONE'] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
/** Job types of the original: 1 = CALC, 2 = TERMINATE. */
export const JOB_TYPE_CALC = 1;

export const ExperimentConfigPayloadSchema = z.looseObject({
  grid_search_id: SafeNameSchema,
  experiment_id: experimentId,
  job_id: z.union([z.number().int(), z.string()]),
  config: z.record(z.string(), z.unknown()),
});

export const JobStatusPayloadSchema = z.looseObject({
  grid_search_id: SafeNameSchema,
  experiment_id: experimentId,
  job_id: z.union([z.string(), z.number().int()]),
  job_type: z.number().int(),
  status: JobStatusSchema,
  starting_time: z.number(),
  finishing_time: z.number(),
  error: z.string().nullable(),
  stacktrace: z.string().nullable(),
});

export const ExperimentStatusPayloadSchema = z.looseObject({
  grid_search_id: SafeNameSchema,
  experiment_id: experimentId,
  status: z.enum(['train', 'evaluation']),
  num_epochs: z.number().int().nonnegative(),
  current_epoch: z.number().int().nonnegative(),
  splits: z.array(z.string()),
  current_split: z.string().nullable(),
  num_batches: z.number().int().nonnegative(),
  current_batch: z.number().int().nonnegative(),
});

const scoreValue = z.union([z.number(), z.array(z.number()), z.null()]);

export const EvaluationResultPayloadSchema = z.looseObject({
  grid_search_id: SafeNameSchema,
  experiment_id: experimentId,
  epoch: z.number().int().nonnegative(),
  metric_scores: z.array(z.looseObject({ metric: z.string(), split: z.string(), score: scoreValue })),
  loss_scores: z.array(z.looseObject({ loss: z.string(), split: z.string(), score: scoreValue })),
});

const envelope = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.looseObject({ event_type: z.literal(type), creation_ts: z.number(), payload });

/**
 * One schema per event type: its envelope and payload, without the depth and size bounds that
 * MlgymEventSchema checks first (a reader that only reads a few fields may check these alone).
 */
export const EVENT_SCHEMAS = {
  experiment_config: envelope('experiment_config', ExperimentConfigPayloadSchema),
  job_status: envelope('job_status', JobStatusPayloadSchema),
  experiment_status: envelope('experiment_status', ExperimentStatusPayloadSchema),
  evaluation_result: envelope('evaluation_result', EvaluationResultPayloadSchema),
  search_plan: envelope('search_plan', SearchPlanPayloadSchema),
  search_decision: envelope('search_decision', SearchDecisionPayloadSchema),
  job_interrupted: envelope('job_interrupted', JobInterruptedPayloadSchema),
};

/**
 * Every event a publisher may send as `mlgym_event`, discriminated by `event_type`, nesting at most
 * `MAX_JSON_DEPTH` levels and about `MAX_EVENT_BYTES` (checked before the shape, iteratively, so a
 * hostile value is never walked recursively).
 */
export const MlgymEventSchema = z
  .unknown()
  .refine((value) => !nestsDeeperThan(value, MAX_JSON_DEPTH), {
    error: `nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep`,
    abort: true,
  })
  .refine((value) => !jsonSizeAtLeast(value, MAX_EVENT_BYTES), {
    error: `is larger than ${MAX_EVENT_BYTES} bytes as JSON`,
    abort: true,
  })
  .pipe(
    z.discriminatedUnion('event_type', [
      EVENT_SCHEMAS.experiment_config,
      EVENT_SCHEMAS.job_status,
      EVENT_SCHEMAS.experiment_status,
      EVENT_SCHEMAS.evaluation_result,
      EVENT_SCHEMAS.search_plan,
      EVENT_SCHEMAS.search_decision,
      EVENT_SCHEMAS.job_interrupted,
    ]),
  );
export type MlgymEvent = z.infer<typeof MlgymEventSchema>;
export type MlgymEventType = MlgymEvent['event_type'];
export const EVENT_TYPES: readonly MlgymEventType[] = [
  'experiment_config',
  'job_status',
  'experiment_status',
  'evaluation_result',
  'search_plan',
  'search_decision',
  'job_interrupted',
];

/** The event types the original MLgym sends; the others are mlgym's own (adaptive search, interruptions). */
export const ORIGINAL_EVENT_TYPES: readonly MlgymEventType[] = [
  'experiment_config',
  'job_status',
  'experiment_status',
  'evaluation_result',
];
