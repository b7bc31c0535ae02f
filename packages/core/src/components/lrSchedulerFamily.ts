import { z } from 'zod';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import type { LrSchedulerSpec } from '../training/lrScheduler.js';

/**
 * LR_SCHEDULER: PyTorch's schedulers by key (plus a linear warm-up), each with its parameters and
 * their defaults; `dummy` keeps the optimizer's rate. The schedule steps per epoch or per batch.
 */
const count = z.number().int().positive();
const factor = z.number().positive();
const stepPer = z.enum(['epoch', 'batch']).default('epoch');
export const LrSchedulerConfigSchema = z.discriminatedUnion('lr_scheduler_key', [
  z.strictObject({
    lr_scheduler_key: z.literal('dummy'),
    params: z.strictObject({}).prefault({}),
    step_per: stepPer,
  }),
  z.strictObject({
    lr_scheduler_key: z.literal('ConstantLR'),
    params: z.strictObject({ factor: factor.default(1 / 3), total_iters: count.default(5) }).prefault({}),
    step_per: stepPer,
  }),
  z.strictObject({
    lr_scheduler_key: z.literal('LinearLR'),
    params: z
      .strictObject({
        start_factor: factor.default(1 / 3),
        end_factor: factor.default(1),
        total_iters: count.default(5),
      })
      .prefault({}),
    step_per: stepPer,
  }),
  z.strictObject({
    lr_scheduler_key: z.literal('StepLR'),
    params: z.strictObject({ step_size: count.default(1), gamma: factor.default(0.1) }).prefault({}),
    step_per: stepPer,
  }),
  z.strictObject({
    lr_scheduler_key: z.literal('ExponentialLR'),
    params: z.strictObject({ gamma: factor.default(0.9) }).prefault({}),
    step_per: stepPer,
  }),
  z.strictObject({
    lr_scheduler_key: z.literal('CosineAnnealingLR'),
    params: z.strictObject({ T_max: count.default(10), eta_min: z.number().nonnegative().default(0) }).prefault({}),
    step_per: stepPer,
  }),
  z.strictObject({
    lr_scheduler_key: z.literal('WarmupLR'),
    params: z.strictObject({ warmup_steps: count.default(1) }).prefault({}),
    step_per: stepPer,
  }),
  z.looseObject({ lr_scheduler_key: z.literal('hugging_face_scheduler') }).refine(() => false, {
    path: ['lr_scheduler_key'],
    message: 'hugging_face_scheduler is not available here; use LinearLR, CosineAnnealingLR or WarmupLR',
  }),
  z.looseObject({ lr_scheduler_key: z.literal('LambdaLR') }).refine(() => false, {
    path: ['lr_scheduler_key'],
    message:
      'LambdaLR takes a Python function (lr_lambda), which a config cannot hold; use LinearLR, StepLR, ExponentialLR, CosineAnnealingLR or WarmupLR',
  }),
]);

export function registerLrSchedulerFamily(registry: ComponentRegistry): void {
  registry.register('LR_SCHEDULER', 'DEFAULT', {
    configSchema: LrSchedulerConfigSchema,
    build: ({ config }): LrSchedulerSpec => {
      // The refinement above refuses it during validation; this narrows the type.
      if (config.lr_scheduler_key === 'hugging_face_scheduler' || config.lr_scheduler_key === 'LambdaLR')
        throw new Error(`${config.lr_scheduler_key} is refused`);
      return config;
    },
  });
}
