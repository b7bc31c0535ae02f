import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { zodToIssues } from '../config/zodIssues.js';

/** A key the original accepts but we refuse, saying why (a located error, never a silent drop). */
export const unsupported = (why: string) =>
  z
    .unknown()
    .refine(() => false, { message: why })
    .optional();

/** sklearn's per-sample weights: a config cannot align a list with the samples of a split. */
export const SAMPLE_WEIGHT = unsupported(
  'sample_weight is not supported: it needs one weight per sample of the evaluated split, in the order the loader reads them',
);

/** What every loss and metric spec may carry besides its parameters. */
export const scoreCommon = {
  /** Defaults to the key. */
  tag: z.string().min(1).optional(),
  target_subscription_key: z.string().min(1).default('target_key'),
  prediction_subscription_key: z.string().min(1).default('model_prediction_key'),
};

/** Validates a spec that does not come from a config file (tests, plugins); errors name the spec. */
export function parseSpec<S extends z.ZodType>(schema: S, input: unknown, label: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const unknownKey = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === 'key');
  throw new MlgymError({
    code: unknownKey ? 'UNKNOWN_VARIANT' : 'CONFIG_INVALID',
    issues: zodToIssues(parsed.error, schema, input, { label }),
  });
}
