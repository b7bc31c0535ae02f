import { describe, expect, it } from 'vitest';
import { LrSchedulerConfigSchema } from '../components/lrSchedulerFamily.js';
import { createLrScheduler } from './lrScheduler.js';
import type { LrSchedulerSpec } from './lrScheduler.js';

/** The rates of steps 0…n-1 of a config as the LR_SCHEDULER component reads it (defaults written in). */
function rates(config: Record<string, unknown>, baseLr: number, n: number): number[] {
  const spec = LrSchedulerConfigSchema.parse(config) as LrSchedulerSpec;
  const scheduler = createLrScheduler(spec, baseLr);
  return Array.from({ length: n }, (_, step) => scheduler.lr(step));
}

// Expected values worked out by hand from PyTorch's definitions (torch.optim.lr_scheduler), step = epoch count.
describe('LR schedulers against hand-computed PyTorch values', () => {
  const close = (got: number[], want: number[]) => {
    expect(got).toHaveLength(want.length);
    got.forEach((g, i) => expect(g, `step ${i}`).toBeCloseTo(want[i]!, 12));
  };

  it('dummy keeps the optimizer rate', () => {
    close(rates({ lr_scheduler_key: 'dummy' }, 0.3, 3), [0.3, 0.3, 0.3]);
  });

  it('ConstantLR: factor × lr for total_iters steps, then lr (defaults 1/3 and 5)', () => {
    close(
      rates({ lr_scheduler_key: 'ConstantLR', params: { factor: 0.5, total_iters: 3 } }, 0.1, 5),
      [0.05, 0.05, 0.05, 0.1, 0.1],
    );
    close(rates({ lr_scheduler_key: 'ConstantLR' }, 0.3, 6), [0.1, 0.1, 0.1, 0.1, 0.1, 0.3]);
  });

  it('LinearLR: from start_factor to end_factor over total_iters steps, then flat', () => {
    close(
      rates({ lr_scheduler_key: 'LinearLR', params: { start_factor: 0.25, end_factor: 1, total_iters: 4 } }, 0.2, 7),
      [0.05, 0.0875, 0.125, 0.1625, 0.2, 0.2, 0.2],
    );
  });

  it('StepLR: × gamma every step_size steps (default gamma 0.1)', () => {
    close(
      rates({ lr_scheduler_key: 'StepLR', params: { step_size: 2, gamma: 0.5 } }, 1, 6),
      [1, 1, 0.5, 0.5, 0.25, 0.25],
    );
    close(rates({ lr_scheduler_key: 'StepLR', params: { step_size: 3 } }, 1, 4), [1, 1, 1, 0.1]);
  });

  it('ExponentialLR: × gamma every step', () => {
    close(rates({ lr_scheduler_key: 'ExponentialLR', params: { gamma: 0.9 } }, 1, 4), [1, 0.9, 0.81, 0.729]);
  });

  it('CosineAnnealingLR: half a cosine from lr to eta_min over T_max steps, and back up after it', () => {
    const base = 0.11;
    const eta = 0.01;
    const half = (base - eta) / 2;
    close(rates({ lr_scheduler_key: 'CosineAnnealingLR', params: { T_max: 4, eta_min: eta } }, base, 9), [
      base,
      eta + half * (1 + Math.SQRT1_2),
      0.06,
      eta + half * (1 - Math.SQRT1_2),
      eta,
      eta + half * (1 - Math.SQRT1_2),
      0.06,
      eta + half * (1 + Math.SQRT1_2),
      base,
    ]);
  });

  it('WarmupLR: linear warm-up to lr over warmup_steps steps', () => {
    close(rates({ lr_scheduler_key: 'WarmupLR', params: { warmup_steps: 4 } }, 0.4, 6), [0.1, 0.2, 0.3, 0.4, 0.4, 0.4]);
  });

  it('steps per epoch unless step_per says batch', () => {
    expect(LrSchedulerConfigSchema.parse({ lr_scheduler_key: 'StepLR' }).step_per).toBe('epoch');
    expect(LrSchedulerConfigSchema.parse({ lr_scheduler_key: 'StepLR', step_per: 'batch' }).step_per).toBe('batch');
  });
});
