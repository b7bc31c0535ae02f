import { z } from 'zod';
import { SafeNameSchema } from './safeName.js';
import { SEARCH_ALGORITHMS } from './searchConfig.js';

const count = z.number().int().nonnegative();
const gridSearchId = SafeNameSchema;

/** What an adaptive search decided about one trial (a configuration; with CV, all its folds together). */
export const SEARCH_DECISIONS = ['started', 'promoted', 'stopped', 'completed', 'failed'] as const;
export type SearchDecisionKind = (typeof SEARCH_DECISIONS)[number];

/**
 * `search_decision`: one decision of an adaptive search, in the order it was taken (`seq` counts them from 0).
 * `started`: the trial trains to `next_epoch`; `promoted`: it scored `score` at rung `rung` (after `epoch` epochs),
 * not below `cutoff`, and continues from its checkpoint to `next_epoch`; `stopped`: it scored below `cutoff` (or
 * no number) and trains no further; `completed`: it reached the last rung (or its own early stopping ended it);
 * `failed`: a fold failed. A resumed search replays these and never takes one again.
 */
export const SearchDecisionPayloadSchema = z.looseObject({
  grid_search_id: gridSearchId,
  seq: count,
  trial_id: count,
  experiment_ids: z.array(count).min(1),
  decision: z.enum(SEARCH_DECISIONS),
  bracket: count,
  rung: count,
  epoch: count,
  next_epoch: z.number().int().positive().nullable(),
  /** The rung's score (mean over folds); null when there is none or it is not a number. */
  score: z.number().nullable(),
  cutoff: z.number().nullable(),
  reason: z.string().nullable().optional(),
  /** `started`: the swept values the trial trains with (dotted path → value). */
  params: z.record(z.string(), z.unknown()).optional(),
});
export type SearchDecisionPayload = z.infer<typeof SearchDecisionPayloadSchema>;

/** One rung of a bracket: its epochs and how many trials reach it (null: decided as the search goes). */
export const SearchRungSchema = z.looseObject({
  rung: count,
  epochs: z.number().int().positive(),
  trials: count.nullable(),
});

/** `search_plan`: what an adaptive search will do, sent once when it starts. */
export const SearchPlanPayloadSchema = z.looseObject({
  grid_search_id: gridSearchId,
  algorithm: z.enum(SEARCH_ALGORITHMS),
  metric: z.string(),
  mode: z.enum(['max', 'min']),
  seed: count,
  max_epochs: z.number().int().positive(),
  num_trials: count,
  /** Folds per trial (1 without cross validation). */
  folds: z.number().int().positive(),
  brackets: z.array(z.looseObject({ bracket: count, rungs: z.array(SearchRungSchema) })),
  /** Most epochs the search trains (all folds); null when it depends on the scores. */
  budget_epochs: count.nullable(),
  /** Epochs of the full grid: every trial's folds to max_epochs. */
  grid_epochs: count,
});
export type SearchPlanPayload = z.infer<typeof SearchPlanPayloadSchema>;

/**
 * `job_interrupted`: the experiment's job stopped before its end without failing (Ctrl-C, a worker lost or
 * stopped); `epoch` is the last epoch it finished (-1: none). A warm start continues it from its last checkpoint.
 */
export const JobInterruptedPayloadSchema = z.looseObject({
  grid_search_id: gridSearchId,
  experiment_id: count,
  job_id: z.union([z.string(), z.number().int()]),
  epoch: z.number().int().min(-1),
  reason: z.string(),
  time: z.number(),
});
export type JobInterruptedPayload = z.infer<typeof JobInterruptedPayloadSchema>;
