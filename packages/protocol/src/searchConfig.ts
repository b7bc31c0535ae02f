import { z } from 'zod';

/**
 * Search algorithms of `run_configuration.config.search.algorithm`. `grid` and `random` train every planned
 * configuration to `num_epochs` (what a run without a search section does); the others stop bad
 * configurations early at rungs of `min_epochs · reduction_factor^k` epochs, `num_epochs` being the most.
 */
export const SEARCH_ALGORITHMS = [
  'grid',
  'random',
  'successive_halving',
  'asha',
  'hyperband',
  'tpe',
  'median_stopping',
] as const;
export type SearchAlgorithm = (typeof SEARCH_ALGORITHMS)[number];

/** Pruners a TPE search can stop its trials with. */
export const TPE_PRUNERS = ['none', 'asha', 'median'] as const;

const positiveInt = z.number().int().positive();

/** What the scores are compared on: `<split>/<metric or loss tag>`, as the evaluation reports them. */
const common = {
  metric: z.string().regex(/^[^/\s]+\/\S+$/, {
    error: 'expected <split>/<metric or loss tag>, e.g. val/F1_SCORE_macro or val/cross_entropy_loss',
  }),
  mode: z.enum(['max', 'min']),
  /** Seeds every random choice of the search (trial order, brackets, TPE). @default the run's seed, else 0 */
  seed: z.number().int().nonnegative().optional(),
};

/** The rung ladder of the early-stopping algorithms. */
const rungs = {
  /** Epochs of the first rung. @default 1 */
  min_epochs: positiveInt.optional(),
  /** Keep the best 1/reduction_factor at each rung; rungs are reduction_factor times apart. @default 3 */
  reduction_factor: z.number().int().min(2).optional(),
};

/** How many configurations to try, drawn (seeded) from the planned ones; default all of them. */
const trials = { num_trials: positiveInt.optional() };

export const GridSearchSpecSchema = z.strictObject({ algorithm: z.literal('grid'), ...common });
export const RandomSearchSpecSchema = z.strictObject({ algorithm: z.literal('random'), ...common });
export const SuccessiveHalvingSpecSchema = z.strictObject({
  algorithm: z.literal('successive_halving'),
  ...common,
  ...rungs,
  ...trials,
});
export const AshaSpecSchema = z.strictObject({
  algorithm: z.literal('asha'),
  ...common,
  ...rungs,
  ...trials,
  /**
   * Decide each trial only against the trials started before it (waiting for them where needed), so the
   * decisions depend on the scores and the seed alone, not on which worker finished first. @default false
   */
  deterministic: z.boolean().optional(),
});
export const HyperbandSpecSchema = z.strictObject({
  algorithm: z.literal('hyperband'),
  ...common,
  ...rungs,
  ...trials,
});
export const MedianStoppingSpecSchema = z.strictObject({
  algorithm: z.literal('median_stopping'),
  ...common,
  ...trials,
  /** No trial is stopped before this many epochs. @default 1 */
  min_epochs: positiveInt.optional(),
  /** Epochs between two checks. @default 1 */
  interval: positiveInt.optional(),
  /** Other trials that must have reached an epoch before a trial is compared there. @default 3 */
  min_trials: positiveInt.optional(),
});
export const TpeSpecSchema = z.strictObject({
  algorithm: z.literal('tpe'),
  ...common,
  ...rungs,
  ...trials,
  /** Stops bad trials early: `asha` (with min_epochs, reduction_factor) or `median`. @default none */
  pruner: z.enum(TPE_PRUNERS).optional(),
  /** Trials drawn at random before the Parzen estimators take over. @default 10 */
  n_startup_trials: z.number().int().nonnegative().optional(),
  /** Candidates drawn from the good trials' estimator per proposal. @default 24 */
  n_ei_candidates: positiveInt.optional(),
});

/** `run_configuration.config.search`. */
export const SearchSpecSchema = z.discriminatedUnion('algorithm', [
  GridSearchSpecSchema,
  RandomSearchSpecSchema,
  SuccessiveHalvingSpecSchema,
  AshaSpecSchema,
  HyperbandSpecSchema,
  MedianStoppingSpecSchema,
  TpeSpecSchema,
]);
export type SearchSpec = z.infer<typeof SearchSpecSchema>;

/** Algorithms that decide at rungs (everything but grid and random). */
export function isAdaptiveSearch(spec: SearchSpec | null | undefined): boolean {
  return spec !== undefined && spec !== null && spec.algorithm !== 'grid' && spec.algorithm !== 'random';
}
