import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { OptimizerBundleSpec } from '../training/optimizerGroup.js';
import type { OptimizerSpec } from '../training/optimizers.js';

/**
 * OPTIMIZER: PyTorch's optimizers by key, with PyTorch's defaults written here, so a config means the
 * same as in the original and the optimizer reads complete, typed parameters. Options TensorFlow.js
 * cannot honour are refused where they are written instead of being ignored.
 */
const positive = z.number().positive();
const rate = z.number().nonnegative();
const beta = z.number().min(0).max(1);
const betas = z.tuple([beta, beta]).default([0.9, 0.999]);
const notAmsgrad = z
  .boolean()
  .refine((v) => !v, {
    message: 'amsgrad: true is not available (TensorFlow.js Adam keeps no maximum of past second moments)',
  })
  .default(false);

const params = {
  SGD: z.strictObject({
    lr: positive,
    momentum: rate.default(0),
    dampening: rate
      .refine((v) => v === 0, {
        message: 'dampening is not available (TensorFlow.js momentum adds the full gradient); use 0 or leave it out',
      })
      .default(0),
    weight_decay: rate.default(0),
    nesterov: z.boolean().default(false),
  }),
  ADAM: z.strictObject({
    lr: positive.default(0.001),
    betas,
    eps: positive.default(1e-8),
    weight_decay: rate.default(0),
    amsgrad: notAmsgrad,
  }),
  ADAMW: z.strictObject({
    lr: positive.default(0.001),
    betas,
    eps: positive.default(1e-8),
    weight_decay: rate.default(0.01),
    amsgrad: notAmsgrad,
  }),
  ADADELTA: z.strictObject({
    lr: positive.default(1),
    rho: beta.default(0.9),
    eps: positive.default(1e-6),
    weight_decay: rate.default(0),
  }),
  RMSPROP: z.strictObject({
    lr: positive.default(0.01),
    alpha: beta.default(0.99),
    eps: positive.default(1e-8),
    weight_decay: rate.default(0),
    momentum: rate.default(0),
    centered: z.boolean().default(false),
  }),
} as const;

export const OptimizerConfigSchema = z.discriminatedUnion('optimizer_key', [
  z.strictObject({ optimizer_key: z.literal('SGD'), params: params.SGD }),
  z.strictObject({ optimizer_key: z.literal('ADAM'), params: params.ADAM.default(params.ADAM.parse({})) }),
  z.strictObject({ optimizer_key: z.literal('ADAMW'), params: params.ADAMW.default(params.ADAMW.parse({})) }),
  z.strictObject({
    optimizer_key: z.literal('ADADELTA'),
    params: params.ADADELTA.default(params.ADADELTA.parse({})),
  }),
  z.strictObject({ optimizer_key: z.literal('RMSPROP'), params: params.RMSPROP.default(params.RMSPROP.parse({})) }),
]);

const BundleConfigSchema = z.strictObject({
  optimizers_config: z.record(z.string(), OptimizerConfigSchema),
  optimizer_key_to_param_key_filters: z.record(z.string(), z.array(z.string())),
});

export function registerOptimizerFamily(registry: ComponentRegistry): void {
  registry.register('OPTIMIZER', 'DEFAULT', {
    configSchema: OptimizerConfigSchema,
    build: ({ config }): OptimizerSpec => config,
  });
  registry.register('OPTIMIZER', 'BUNDLE', {
    configSchema: BundleConfigSchema,
    build: ({ config }): OptimizerBundleSpec => ({ bundle: true, ...config }),
  });
}
