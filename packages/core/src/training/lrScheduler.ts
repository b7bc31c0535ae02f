/** A schedule with every parameter given (the LR_SCHEDULER schema writes the defaults in). */
export type LrSchedulerSpec = { step_per: 'epoch' | 'batch' } & (
  | { lr_scheduler_key: 'dummy'; params: Record<string, never> }
  | { lr_scheduler_key: 'ConstantLR'; params: { factor: number; total_iters: number } }
  | { lr_scheduler_key: 'LinearLR'; params: { start_factor: number; end_factor: number; total_iters: number } }
  | { lr_scheduler_key: 'StepLR'; params: { step_size: number; gamma: number } }
  | { lr_scheduler_key: 'ExponentialLR'; params: { gamma: number } }
  | { lr_scheduler_key: 'CosineAnnealingLR'; params: { T_max: number; eta_min: number } }
  | { lr_scheduler_key: 'WarmupLR'; params: { warmup_steps: number } }
);

/** Learning rate as a pure function of the step count, so its state is just the step. */
export interface LrScheduler {
  stepPer: 'epoch' | 'batch';
  lr(step: number): number;
}

/** PyTorch's schedulers by name (plus a linear warm-up); `dummy` keeps the optimizer's rate. */
export function createLrScheduler(spec: LrSchedulerSpec, baseLr: number): LrScheduler {
  return { stepPer: spec.step_per, lr: schedule(spec, baseLr) };
}

function schedule(spec: LrSchedulerSpec, baseLr: number): (step: number) => number {
  switch (spec.lr_scheduler_key) {
    case 'dummy':
      return () => baseLr;
    case 'ConstantLR': {
      const { factor, total_iters: total } = spec.params;
      return (s) => (s < total ? baseLr * factor : baseLr);
    }
    case 'LinearLR': {
      const { start_factor: start, end_factor: end, total_iters: total } = spec.params;
      return (s) => baseLr * (start + (end - start) * Math.min(1, s / total));
    }
    case 'StepLR': {
      const { step_size: size, gamma } = spec.params;
      return (s) => baseLr * gamma ** Math.floor(s / size);
    }
    case 'ExponentialLR': {
      const { gamma } = spec.params;
      return (s) => baseLr * gamma ** s;
    }
    case 'CosineAnnealingLR': {
      const { T_max: tMax, eta_min: etaMin } = spec.params;
      // As PyTorch: past T_max the rate follows the cosine back up (period 2·T_max), it does not stay at eta_min.
      return (s) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * s) / tMax))) / 2;
    }
    case 'WarmupLR': {
      const { warmup_steps: warmup } = spec.params;
      return (s) => baseLr * Math.min(1, (s + 1) / warmup);
    }
  }
}
