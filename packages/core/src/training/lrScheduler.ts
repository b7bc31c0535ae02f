import { MlgymError } from '@mlgym/protocol';

export interface LrSchedulerSpec {
  lr_scheduler_key: string;
  params: Record<string, unknown>;
  step_per: 'epoch' | 'batch';
}

/** Learning rate as a pure function of the step count, so its state is just the step. */
export interface LrScheduler {
  stepPer: 'epoch' | 'batch';
  lr(step: number): number;
}

const num = (p: Record<string, unknown>, key: string, fallback: number) =>
  typeof p[key] === 'number' ? (p[key] as number) : fallback;

/** PyTorch's schedulers by name (plus a linear warm-up); `dummy` keeps the optimizer's rate. */
export function createLrScheduler(spec: LrSchedulerSpec, baseLr: number): LrScheduler {
  const p = spec.params;
  let lr: (step: number) => number;
  switch (spec.lr_scheduler_key) {
    case 'dummy':
      lr = () => baseLr;
      break;
    case 'ConstantLR': {
      const factor = num(p, 'factor', 1 / 3);
      const total = num(p, 'total_iters', 5);
      lr = (s) => (s < total ? baseLr * factor : baseLr);
      break;
    }
    case 'LinearLR': {
      const start = num(p, 'start_factor', 1 / 3);
      const end = num(p, 'end_factor', 1);
      const total = num(p, 'total_iters', 5);
      lr = (s) => baseLr * (start + (end - start) * Math.min(1, s / total));
      break;
    }
    case 'StepLR': {
      const size = num(p, 'step_size', 1);
      const gamma = num(p, 'gamma', 0.1);
      lr = (s) => baseLr * gamma ** Math.floor(s / size);
      break;
    }
    case 'ExponentialLR': {
      const gamma = num(p, 'gamma', 0.9);
      lr = (s) => baseLr * gamma ** s;
      break;
    }
    case 'CosineAnnealingLR': {
      const tMax = num(p, 'T_max', 10);
      const etaMin = num(p, 'eta_min', 0);
      lr = (s) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * Math.min(s, tMax)) / tMax))) / 2;
      break;
    }
    case 'WarmupLR': {
      const warmup = num(p, 'warmup_steps', 1);
      lr = (s) => baseLr * Math.min(1, (s + 1) / warmup);
      break;
    }
    default:
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: 'lr_scheduler_key',
        problem: `the scheduler ${spec.lr_scheduler_key} is not available here`,
        hint: 'hugging_face_scheduler: use LinearLR, CosineAnnealingLR or WarmupLR',
      });
  }
  return { stepPer: spec.step_per, lr };
}
