import { z } from 'zod';

export const CrossValidationSchema = z.strictObject({
  iterator_key: z.string().min(1),
  split_key: z.string().min(1),
  config: z.strictObject({
    num_folds: z.number().int().min(2),
    stratification: z.boolean().default(false),
    target_pos: z.number().int().nonnegative().default(1),
    shuffle: z.boolean().default(false),
    seed: z.number().int().nonnegative().nullable().optional(),
  }),
});
export type CrossValidationConfig = z.infer<typeof CrossValidationSchema>;

export const NestedCrossValidationSchema = z.strictObject({
  iterator_key: z.string().min(1),
  split_key: z.string().min(1),
  config: z.strictObject({
    num_outer_loop_folds: z.number().int().min(2),
    num_inner_loop_folds: z.number().int().min(2),
    inner_stratification: z.boolean().default(false),
    outer_stratification: z.boolean().default(false),
    target_pos: z.number().int().nonnegative().default(1),
    shuffle: z.boolean().default(false),
    seed: z.number().int().nonnegative().nullable().optional(),
  }),
});
export type NestedCrossValidationConfig = z.infer<typeof NestedCrossValidationSchema>;

/** Validation modes, keyed by the top-level key of the validation config. */
export const VALIDATION_MODES = ['GRID_SEARCH', 'CROSS_VALIDATION', 'NESTED_CROSS_VALIDATION'] as const;
export type ValidationMode = (typeof VALIDATION_MODES)[number];

/**
 * Other spellings found in the original project's files, accepted so they load unchanged
 * (its sample nested-CV file says `NestedCV`, its enum says `NESTED_CV`).
 */
export const VALIDATION_MODE_ALIASES: Readonly<Record<string, ValidationMode>> = {
  NestedCV: 'NESTED_CROSS_VALIDATION',
  NESTED_CV: 'NESTED_CROSS_VALIDATION',
  CrossValidation: 'CROSS_VALIDATION',
};

export type ValidationStrategy =
  | { mode: 'GRID_SEARCH' }
  | { mode: 'CROSS_VALIDATION'; spec: CrossValidationConfig }
  | { mode: 'NESTED_CROSS_VALIDATION'; spec: NestedCrossValidationConfig };
