import * as tf from '@tensorflow/tfjs';

export interface OptimizerSpec {
  optimizer_key: 'SGD' | 'ADAM' | 'ADAMW' | 'ADADELTA' | 'RMSPROP';
  params: Record<string, unknown>;
}

/** A tfjs optimizer plus what tfjs lacks: weight decay (coupled L2 or AdamW's decoupled form). */
export interface TrainingOptimizer {
  optimizer: tf.Optimizer;
  baseLr: number;
  setLr(lr: number): void;
  /** Extra loss term (coupled L2 weight decay), or null. */
  penalty(weights: tf.Variable[]): tf.Scalar | null;
  /** Called after each step (AdamW's decoupled decay). */
  afterStep(weights: tf.Variable[]): void;
  /** State tfjs's getWeights() leaves out (Adam's running β powers), as named tensors. */
  extraState(): Array<{ name: string; tensor: tf.Tensor }>;
  restoreExtraState(state: ReadonlyArray<{ name: string; tensor: tf.Tensor }>): void;
}

/**
 * tfjs Adam keeps β₁ᵗ and β₂ᵗ as running products but rebuilds them with pow() in setWeights, which
 * differs in the last bits: saved and restored as they are, resumed training stays bit-exact.
 */
const ADAM_POWERS = ['accBeta1', 'accBeta2'] as const;

const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);

/** PyTorch's defaults, so a config means the same thing here as in the original. */
export function createOptimizer(spec: OptimizerSpec): TrainingOptimizer {
  const p = spec.params;
  const wd = num(p['weight_decay'], spec.optimizer_key === 'ADAMW' ? 0.01 : 0);
  const betas = (p['betas'] as [number, number] | undefined) ?? [0.9, 0.999];
  let lr: number;
  let optimizer: tf.Optimizer;
  switch (spec.optimizer_key) {
    case 'SGD': {
      lr = num(p['lr'], 0.01);
      const momentum = num(p['momentum'], 0);
      optimizer = momentum > 0 ? tf.train.momentum(lr, momentum, p['nesterov'] === true) : tf.train.sgd(lr);
      break;
    }
    case 'ADAM':
    case 'ADAMW':
      lr = num(p['lr'], 0.001);
      optimizer = tf.train.adam(lr, betas[0], betas[1], num(p['eps'], 1e-8));
      break;
    case 'ADADELTA':
      lr = num(p['lr'], 1);
      optimizer = tf.train.adadelta(lr, num(p['rho'], 0.9), num(p['eps'], 1e-6));
      break;
    case 'RMSPROP':
      lr = num(p['lr'], 0.01);
      optimizer = tf.train.rmsprop(
        lr,
        num(p['alpha'], 0.99),
        num(p['momentum'], 0),
        num(p['eps'], 1e-8),
        p['centered'] === true,
      );
      break;
  }
  const decoupled = spec.optimizer_key === 'ADAMW';
  let current = lr;
  return {
    optimizer,
    baseLr: lr,
    setLr(value) {
      current = value;
      const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
      // SGD and momentum cache the rate in a tensor and offer a setter; the others read the field.
      if (o.setLearningRate) o.setLearningRate(value);
      else o.learningRate = value;
    },
    penalty(weights) {
      if (decoupled || wd === 0) return null;
      return tf.addN(weights.map((w) => w.square().sum())).mul(wd / 2) as tf.Scalar;
    },
    extraState() {
      const o = optimizer as unknown as Record<string, tf.Variable | undefined>;
      return ADAM_POWERS.filter((k) => o[k]).map((k) => ({ name: `__${k}`, tensor: o[k] as tf.Variable }));
    },
    restoreExtraState(state) {
      const o = optimizer as unknown as Record<string, tf.Variable | undefined>;
      for (const k of ADAM_POWERS) {
        const saved = state.find((s) => s.name === `__${k}`);
        if (saved && o[k]) o[k].assign(saved.tensor);
      }
    },
    afterStep(weights) {
      if (!decoupled || wd === 0) return;
      tf.tidy(() => {
        for (const w of weights) w.assign(w.mul(1 - current * wd));
      });
    },
  };
}
