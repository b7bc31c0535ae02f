import { z } from 'zod';

/**
 * The prediction post-processors of the original's PREDICTION_POSTPROCESSING_REGISTRY, one schema
 * per key. Arguments go under `params` (`{key, params, applicable_splits}`) or, in the original's
 * legacy form, beside `key`; never both. Loaded without TensorFlow.js (config validation).
 */
const keys = {
  /** Defaults to `model_prediction_key`. */
  prediction_subscription_key: z.string().min(1).optional(),
  /** Defaults to the subscription key (the result replaces its input). */
  prediction_publication_key: z.string().min(1).optional(),
};

const PARAMS = {
  SOFT_MAX: z.strictObject(keys),
  ARG_MAX: z.strictObject(keys),
  MIN_OR_MAX: z.strictObject({ ...keys, agg_fun: z.enum(['max', 'min']).default('max') }),
  /** `threshold` is accepted and unused, as in the original (BINARIZATION thresholds). */
  SIGMOIDAL: z.strictObject({ ...keys, threshold: z.number().optional() }),
  BINARIZATION: z.strictObject({ ...keys, threshold: z.number().default(0.5) }),
  /** The original's DUMMY takes no argument at all. */
  DUMMY: z.strictObject({}),
} as const;

type Key = keyof typeof PARAMS;

/** The legacy form's fields: the same, optional and without defaults (so they show what was written). */
function flatFields<P extends z.ZodObject>(params: P): P['shape'] {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(params.shape as Record<string, z.ZodType>)) {
    shape[name] = (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field).optional();
  }
  return shape as P['shape'];
}

const form = <K extends Key, P extends z.ZodObject>(key: K, params: P) =>
  z
    .strictObject({
      key: z.literal(key),
      params: params.optional(),
      applicable_splits: z.array(z.string().min(1)).optional(),
      ...flatFields(params),
    })
    .superRefine((spec, ctx) => {
      const flat = Object.keys(spec).filter((k) => k !== 'key' && k !== 'params' && k !== 'applicable_splits');
      if ((spec as Record<string, unknown>)['params'] && flat.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [flat[0] as string],
          message: `write ${flat.join(', ')} inside params (the original ignores keys beside params)`,
        });
      }
    });

export const PostProcessorSpecSchema = z.discriminatedUnion('key', [
  form('SOFT_MAX', PARAMS.SOFT_MAX),
  form('ARG_MAX', PARAMS.ARG_MAX),
  form('MIN_OR_MAX', PARAMS.MIN_OR_MAX),
  form('SIGMOIDAL', PARAMS.SIGMOIDAL),
  form('BINARIZATION', PARAMS.BINARIZATION),
  form('DUMMY', PARAMS.DUMMY),
]);

export type PostProcessorSpec = z.output<typeof PostProcessorSpecSchema>;
export type PostProcessorSpecInput = z.input<typeof PostProcessorSpecSchema>;

/** The arguments of a spec in either form, with their defaults. */
export function postProcessorParams(spec: PostProcessorSpec): Record<string, unknown> {
  const { key, params, applicable_splits: _splits, ...flat } = spec;
  return PARAMS[key].parse(params ?? flat) as Record<string, unknown>;
}
