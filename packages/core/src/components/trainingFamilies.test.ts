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

  it("refuses another scheduler's parameters and the unavailable hugging_face_scheduler and LambdaLR, located", async () => {
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
    expect(
      await refusal('lr_scheduler', {
        component_type_key: 'LR_SCHEDULER',
        variant_key: 'DEFAULT',
        config: { lr_scheduler_key: 'LambdaLR', params: { lr_lambda: 'lambda e: 0.9 ** e' } },
      }),
    ).toMatch(/lr_scheduler\.config\.lr_scheduler_key: LambdaLR takes a Python function.*use LinearLR/);
  });
});

describe('EARLY_STOPPING_STRATEGY and CHECKPOINTING_STRATEGY', () => {
  const registries = {
    early_stopping_strategy_registry: {
      component_type_key: 'EARLY_STOPPING_STRATEGY_REGISTRY',
      variant_key: 'DEFAULT',
    },
    checkpointing_strategy_registry: { component_type_key: 'CHECKPOINTING_STRATEGY_REGISTRY', variant_key: 'DEFAULT' },
  };
  const check = (name: string, entry: Record<string, unknown>) =>
    Promise.resolve()
      .then(() =>
        ComponentGraph.fromConfig({ ...registries, [name]: entry }, createDefaultRegistry(), { requested: [name] }),
      )
      .then(
        () => 'accepted',
        (e: unknown) => (e as Error).message,
      );
  const stopping = (config: Record<string, unknown>) => ({
    component_type_key: 'EARLY_STOPPING_STRATEGY',
    variant_key: 'DEFAULT',
    requirements: [{ name: 'early_stopping_strategy_registry', component_name: 'early_stopping_strategy_registry' }],
    config,
  });
  const checkpointing = (config: Record<string, unknown>) => ({
    component_type_key: 'CHECKPOINTING_STRATEGY',
    variant_key: 'DEFAULT',
    requirements: [{ name: 'checkpointing_strategy_registry', component_name: 'checkpointing_strategy_registry' }],
    config,
  });

  it('accept the original configs and refuse what a strategy would not read, at the key', async () => {
    const lastK = {
      split_name: 'val',
      monitoring_key: 'F1_SCORE_macro',
      epochs_window: 5,
      min_relative_improvement: 0.01,
    };
    expect(
      await check(
        's',
        stopping({
          early_stopping_key: 'LAST_K_EPOCHS_IMPROVEMENT_STRATEGY',
          early_stopping_config: { ...lastK, is_increase_task: true },
        }),
      ),
    ).toBe('accepted');
    expect(
      await check(
        's',
        stopping({
          early_stopping_key: 'LAST_K_EPOCHS_IMPROVEMENT_STRATEGY',
          early_stopping_config: { ...lastK, epochs_window: 1 },
        }),
      ),
    ).toMatch(/s\.config\.early_stopping_config\.epochs_window: value out of range/);
    expect(
      await check(
        's',
        stopping({
          early_stopping_key: 'PATIENCE_STRATEGY',
          early_stopping_config: { split_name: 'val', patience: 3 },
        }),
      ),
    ).toMatch(/s\.config\.early_stopping_config\.monitoring_key: required key is missing/);
    expect(await check('s', stopping({ early_stopping_key: 'PATIENCE', early_stopping_config: {} }))).toMatch(
      /s\.config\.early_stopping_key: value not allowed.*PATIENCE_STRATEGY/,
    );
    expect(await check('c', checkpointing({ checkpointing_key: 'SAVE_ALL_CHECKPOINTING_STRATEGY' }))).toBe('accepted');
    expect(
      await check(
        'c',
        checkpointing({ checkpointing_key: 'KEEP_LAST_N_CHECKPOINTING_STRATEGY', checkpointing_config: { k: 2 } }),
      ),
    ).toMatch(/c\.config\.checkpointing_config\.k: unknown key "k"/);
  });
});
