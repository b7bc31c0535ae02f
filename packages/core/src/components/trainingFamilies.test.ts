import { describe, expect, it } from 'vitest';
import { ComponentBuilder } from '../registry/componentBuilder.js';
import { ComponentGraph } from '../registry/componentGraph.js';
import { createLrScheduler } from '../training/lrScheduler.js';
import { createDefaultRegistry } from './createDefaultRegistry.js';

/** Validates and builds one component the way a gym job does. */
async function build(name: string, entry: Record<string, unknown>): Promise<unknown> {
  const graph = ComponentGraph.fromConfig({ [name]: entry }, createDefaultRegistry(), { requested: [name] });
  return new ComponentBuilder(graph, { services: new Map() }).build(name);
}
const refusal = (name: string, entry: Record<string, unknown>) =>
  build(name, entry).then(
    () => 'accepted',
    (e: unknown) => (e as Error).message,
  );

describe('OPTIMIZER (schema with PyTorch defaults, builder typed by it)', () => {
  it('writes every default into the spec the optimizer reads', async () => {
    expect(
      await build('optimizer', {
        component_type_key: 'OPTIMIZER',
        variant_key: 'DEFAULT',
        config: { optimizer_key: 'ADAMW' },
      }),
    ).toEqual({
      optimizer_key: 'ADAMW',
      params: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, amsgrad: false },
    });
    expect(
      await build('optimizer', {
        component_type_key: 'OPTIMIZER',
        variant_key: 'DEFAULT',
        config: { optimizer_key: 'SGD', params: { lr: 0.1 } },
      }),
    ).toEqual({
      optimizer_key: 'SGD',
      params: { lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false },
    });
  });

  it('refuses amsgrad and dampening where they are written instead of ignoring them', async () => {
    expect(
      await refusal('optimizer', {
        component_type_key: 'OPTIMIZER',
        variant_key: 'DEFAULT',
        config: { optimizer_key: 'ADAM', params: { lr: 0.01, amsgrad: true } },
      }),
    ).toMatch(/optimizer\.config\.params\.amsgrad: amsgrad: true is not available/);
    expect(
      await refusal('optimizer', {
        component_type_key: 'OPTIMIZER',
        variant_key: 'BUNDLE',
        config: {
          optimizers_config: { a: { optimizer_key: 'SGD', params: { lr: 0.1, momentum: 0.9, dampening: 0.1 } } },
          optimizer_key_to_param_key_filters: { a: ['kernel'] },
        },
      }),
    ).toMatch(/optimizer\.config\.optimizers_config\.a\.params\.dampening: dampening is not available/);
  });
});

describe('LR_SCHEDULER', () => {
  const scheduler = (config: Record<string, unknown>) =>
    build('lr_scheduler', { component_type_key: 'LR_SCHEDULER', variant_key: 'DEFAULT', config });

  it('fills the defaults of the named scheduler and steps by them', async () => {
    const spec = await scheduler({ lr_scheduler_key: 'StepLR', params: { gamma: 0.5 } });
    expect(spec).toEqual({ lr_scheduler_key: 'StepLR', params: { step_size: 1, gamma: 0.5 }, step_per: 'epoch' });
    const lr = createLrScheduler(spec as never, 0.1).lr;
    expect([0, 1, 2].map(lr)).toEqual([0.1, 0.05, 0.025]);
  });

  it("refuses another scheduler's parameters and the unavailable hugging_face_scheduler, located", async () => {
    expect(
      await refusal('lr_scheduler', {
        component_type_key: 'LR_SCHEDULER',
        variant_key: 'DEFAULT',
        config: { lr_scheduler_key: 'StepLR', params: { T_max: 3 } },
      }),
    ).toMatch(/lr_scheduler\.config\.params\.T_max: unknown key "T_max".*one of step_size, gamma/);
    expect(
      await refusal('lr_scheduler', {
        component_type_key: 'LR_SCHEDULER',
        variant_key: 'DEFAULT',
        config: { lr_scheduler_key: 'hugging_face_scheduler' },
      }),
    ).toMatch(/lr_scheduler\.config\.lr_scheduler_key: hugging_face_scheduler is not available here; use LinearLR/);
  });
});
