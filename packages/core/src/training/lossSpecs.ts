import { z } from 'zod';
import { scoreCommon, unsupported } from './specParts.js';

/**
 * The losses of the original's LOSS_FUNCTION_REGISTRY (and two of ours), one schema per key with
 * the arguments its factory takes; loaded without TensorFlow.js (config validation).
 */
const averageBatchLoss = z.boolean().default(true);
const lpParams = {
  ...scoreCommon,
  root: z.number().positive().default(1),
  exponent: z.number().positive().default(2),
  /** Keeps the samples whose target under `target_subscription_key` equals `selected_class`. */
  class_selection_fun_params: z
    .strictObject({ target_subscription_key: z.string().min(1), selected_class: z.number() })
    .nullable()
    .default(null),
  average_batch_loss: averageBatchLoss,
};

export const LossSpecSchema = z.discriminatedUnion('key', [
  z.strictObject({ key: z.literal('LPLoss'), ...lpParams }),
  z.strictObject({ key: z.literal('LPPredictionLoss'), ...lpParams }),
  z.strictObject({
    key: z.literal('CrossEntropyLoss'),
    ...scoreCommon,
    average_batch_loss: unsupported(
      "CrossEntropyLoss always averages over the batch: the original's factory takes no average_batch_loss",
    ),
  }),
  z.strictObject({
    key: z.literal('NLLLoss'),
    ...scoreCommon,
    average_batch_loss: unsupported(
      "NLLLoss always sums its per-sample values over the batch: the original's factory takes no average_batch_loss",
    ),
  }),
  z.strictObject({
    key: z.literal('BCEWithLogitsLoss'),
    ...scoreCommon,
    average_batch_loss: averageBatchLoss,
    flatten_predictions: z.boolean().default(false),
  }),
  z.strictObject({ key: z.literal('BCELoss'), ...scoreCommon, average_batch_loss: averageBatchLoss }),
  /** Ours: torch's MSELoss and L1Loss (the mean over every element). */
  z.strictObject({ key: z.literal('MSELoss'), ...scoreCommon }),
  z.strictObject({ key: z.literal('L1Loss'), ...scoreCommon }),
]);

export type LossSpec = z.output<typeof LossSpecSchema>;
export type LossSpecInput = z.input<typeof LossSpecSchema>;
