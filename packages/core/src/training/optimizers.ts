import * as tf from '@tensorflow/tfjs';
import { PyTorchAdadelta } from './adadelta.js';

/** An optimizer with every parameter given (the OPTIMIZER schema writes PyTorch's defaults in). */
export type OptimizerSpec =
  | { optimizer_key: 'SGD'; params: { lr: number; momentum: number; nesterov: boolean; weight_decay: number } }
  | {
      optimizer_key: 'ADAM' | 'ADAMW';
      params: { lr: number; betas: readonly [number, number]; eps: number; weight_decay: number };
    }
  | { optimizer_key: 'ADADELTA'; params: { lr: number; rho: number; eps: number; weight_decay: number } }
  | {
      optimizer_key: 'RMSPROP';
      params: { lr: number; alpha: number; momentum: number; eps: number; centered: boolean; weight_decay: number };
    };

/** A tfjs optimizer plus what tfjs lacks: weight decay (coupled L2 or AdamW's decoupled form). */
export interface TrainingOptimizer {
  optimizer: tf.Optimizer;
  baseLr: number;
  setLr(lr: number): void;
  /** Extra loss term (coupled L2 weight decay), or null. */
  penalty(weights: tf.Variable[]): tf.Scalar | null;
  /** Called between the gradients and their update (AdamW's decoupled decay, applied to the weights as PyTorch does). */
  beforeUpdate(weights: tf.Variable[]): void;
  /** State tfjs's getWeights() leaves out (Adam's running β powers), as named tensors. */
  extraState(): Array<{ name: string; tensor: tf.Tensor }>;
  restoreExtraState(state: ReadonlyArray<{ name: string; tensor: tf.Tensor }>): void;
}

/**
 * tfjs Adam keeps β₁ᵗ and β₂ᵗ as running products but rebuilds them with pow() in setWeights, which
 * differs in the last bits: saved and restored as they are, resumed training stays bit-exact.
 */
const ADAM_POWERS = ['accBeta1', 'accBeta2'] as const;

/** The tfjs optimizer for a complete spec (see `OptimizerSpec`). */
export function createOptimizer(spec: OptimizerSpec): TrainingOptimizer {
  const wd = spec.params.weight_decay;
  const lr = spec.params.lr;
  let optimizer: tf.Optimizer;
  switch (spec.optimizer_key) {
    case 'SGD': {
      const { momentum, nesterov } = spec.params;
      optimizer = momentum > 0 ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
      break;
    }
    case 'ADAM':
    case 'ADAMW': {
      const [beta1, beta2] = spec.params.betas;
      optimizer = tf.train.adam(lr, beta1, beta2, spec.params.eps);
      break;
    }
    case 'ADADELTA':
      optimizer = new PyTorchAdadelta(lr, spec.params.rho, spec.params.eps);
      break;
    case 'RMSPROP': {
      const { alpha, momentum, eps, centered } = spec.params;
      optimizer = tf.train.rmsprop(lr, alpha, momentum, eps, centered);
      break;
    }
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
    beforeUpdate(weights) {
      if (!decoupled || wd === 0) return;
      tf.tidy(() => {
        for (const w of weights) w.assign(w.mul(1 - current * wd));
      });
    },
  };
}
