import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptimizerConfigSchema } from '../components/optimizerFamily.js';
import { OptimizerGroup } from './optimizerGroup.js';
import type { OptimizerSpec } from './optimizers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// The loss Σ ½·a·w² + b·w has the gradient a·w + b: each optimizer takes a few steps on it through OptimizerGroup
// (as training does), and the weights are compared with PyTorch's update rules (torch.optim docs) in doubles.
const A = [1.5, 0.5, 2];
const B = [0.3, -0.2, 0.1];
const W0 = [0.5, -1, 2];
const STEPS = 4;

/** STEPS steps from W0; with `restartAfter`, the optimizer state is saved then and restored into a fresh one. */
async function trained(config: Record<string, unknown>, restartAfter?: number): Promise<number[]> {
  const spec = OptimizerConfigSchema.parse(config) as OptimizerSpec;
  const w = tf.variable(tf.tensor1d(W0), true, `w_${Math.random().toString(36).slice(2)}`);
  const a = tf.tensor1d(A);
  const b = tf.tensor1d(B);
  let group = OptimizerGroup.create(spec, undefined, [w], ['w']);
  try {
    for (let i = 0; i < STEPS; i++) {
      if (i === restartAfter) {
        const saved = await group.encode();
        group.dispose();
        group = OptimizerGroup.create(spec, undefined, [w], ['w']);
        await group.restore(saved);
      }
      const cost = group.step(() => tf.tidy(() => w.square().mul(a).mul(0.5).add(w.mul(b)).sum() as tf.Scalar));
      cost.dispose();
    }
    return Array.from(w.dataSync());
  } finally {
    group.dispose();
    tf.dispose([w, a, b]);
  }
}

const gradient = (w: number[]) => w.map((x, i) => A[i]! * x + B[i]!);

/** Runs a per-element PyTorch rule STEPS times from W0. */
function reference(rule: (state: Record<string, number[]>, g: number[], w: number[], t: number) => void): number[] {
  const w = [...W0];
  const state: Record<string, number[]> = {};
  for (let t = 1; t <= STEPS; t++) rule(state, gradient(w), w, t);
  return w;
}

const zeros = () => W0.map(() => 0);

function sgd(lr: number, momentum: number, wd: number, nesterov: boolean) {
  return reference((s, grad, w, t) => {
    grad.forEach((g0, i) => {
      let g = g0 + wd * w[i]!;
      if (momentum > 0) {
        s['buf'] ??= zeros();
        s['buf'][i] = t === 1 ? g : momentum * s['buf'][i]! + g;
        g = nesterov ? g + momentum * s['buf'][i]! : s['buf'][i]!;
      }
      w[i] = w[i]! - lr * g;
    });
  });
}

function adam({
  lr,
  betas: [b1, b2],
  eps,
  wd,
  decoupled,
}: {
  lr: number;
  betas: [number, number];
  eps: number;
  wd: number;
  decoupled: boolean;
}) {
  return reference((s, grad, w, t) => {
    s['m'] ??= zeros();
    s['v'] ??= zeros();
    grad.forEach((g0, i) => {
      if (decoupled) w[i] = w[i]! * (1 - lr * wd);
      const g = decoupled ? g0 : g0 + wd * w[i]!;
      s['m']![i] = b1 * s['m']![i]! + (1 - b1) * g;
      s['v']![i] = b2 * s['v']![i]! + (1 - b2) * g * g;
      const mHat = s['m']![i]! / (1 - b1 ** t);
      const vHat = s['v']![i]! / (1 - b2 ** t);
      w[i] = w[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
  });
}

function adadelta(lr: number, rho: number, eps: number, wd: number) {
  return reference((s, grad, w) => {
    s['v'] ??= zeros();
    s['u'] ??= zeros();
    grad.forEach((g0, i) => {
      const g = g0 + wd * w[i]!;
      s['v']![i] = rho * s['v']![i]! + (1 - rho) * g * g;
      const dx = (Math.sqrt(s['u']![i]! + eps) / Math.sqrt(s['v']![i]! + eps)) * g;
      s['u']![i] = rho * s['u']![i]! + (1 - rho) * dx * dx;
      w[i] = w[i]! - lr * dx;
    });
  });
}

function rmsprop({
  lr,
  alpha,
  eps,
  wd,
  momentum,
  centered,
}: {
  lr: number;
  alpha: number;
  eps: number;
  wd: number;
  momentum: number;
  centered: boolean;
}) {
  return reference((s, grad, w) => {
    s['v'] ??= zeros();
    s['avg'] ??= zeros();
    s['buf'] ??= zeros();
    grad.forEach((g0, i) => {
      const g = g0 + wd * w[i]!;
      s['v']![i] = alpha * s['v']![i]! + (1 - alpha) * g * g;
      let denominator = s['v']![i]!;
      if (centered) {
        s['avg']![i] = alpha * s['avg']![i]! + (1 - alpha) * g;
        denominator -= s['avg']![i]! ** 2;
      }
      // tfjs adds eps under the square root, PyTorch after it: the same to well below float32's precision here.
      const step = g / (Math.sqrt(denominator) + eps);
      if (momentum > 0) {
        s['buf']![i] = momentum * s['buf']![i]! + step;
        w[i] = w[i]! - lr * s['buf']![i]!;
      } else w[i] = w[i]! - lr * step;
    });
  });
}

/** float32 weights against double references: 1e-5 relative. */
function expectNear(got: number[], want: number[]) {
  got.forEach((g, i) =>
    expect(Math.abs(g - want[i]!), `w[${i}]: ${g} vs ${want[i]}`).toBeLessThan(1e-5 * (1 + Math.abs(want[i]!))),
  );
}

describe('optimizers against PyTorch update rules', () => {
  it('SGD: plain, momentum, Nesterov, weight decay', async () => {
    expectNear(await trained({ optimizer_key: 'SGD', params: { lr: 0.1 } }), sgd(0.1, 0, 0, false));
    expectNear(await trained({ optimizer_key: 'SGD', params: { lr: 0.1, momentum: 0.9 } }), sgd(0.1, 0.9, 0, false));
    expectNear(
      await trained({ optimizer_key: 'SGD', params: { lr: 0.05, momentum: 0.8, nesterov: true, weight_decay: 0.1 } }),
      sgd(0.05, 0.8, 0.1, true),
    );
  });

  it('ADAM: defaults (lr 0.001, betas 0.9/0.999, eps 1e-8), other betas, coupled weight decay', async () => {
    expectNear(
      await trained({ optimizer_key: 'ADAM' }),
      adam({ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, wd: 0, decoupled: false }),
    );
    expectNear(
      await trained({ optimizer_key: 'ADAM', params: { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 0.2 } }),
      adam({ lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, wd: 0.2, decoupled: false }),
    );
  });

  it('ADAMW: decoupled weight decay (default 0.01) applied before the update, as PyTorch', async () => {
    expectNear(
      await trained({ optimizer_key: 'ADAMW', params: { lr: 0.05 } }),
      adam({ lr: 0.05, betas: [0.9, 0.999], eps: 1e-8, wd: 0.01, decoupled: true }),
    );
    expectNear(
      await trained({ optimizer_key: 'ADAMW', params: { lr: 0.1, weight_decay: 0.5 } }),
      adam({ lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, wd: 0.5, decoupled: true }),
    );
  });

  it('ADADELTA: defaults (lr 1, rho 0.9, eps 1e-6) and with weight decay', async () => {
    expectNear(await trained({ optimizer_key: 'ADADELTA' }), adadelta(1, 0.9, 1e-6, 0));
    expectNear(
      await trained({ optimizer_key: 'ADADELTA', params: { lr: 0.5, rho: 0.8, weight_decay: 0.1 } }),
      adadelta(0.5, 0.8, 1e-6, 0.1),
    );
  });

  it('RMSPROP: defaults (lr 0.01, alpha 0.99), momentum, centered, weight decay', async () => {
    expectNear(
      await trained({ optimizer_key: 'RMSPROP' }),
      rmsprop({ lr: 0.01, alpha: 0.99, eps: 1e-8, wd: 0, momentum: 0, centered: false }),
    );
    expectNear(
      await trained({
        optimizer_key: 'RMSPROP',
        params: { lr: 0.02, momentum: 0.5, centered: true, weight_decay: 0.1 },
      }),
      rmsprop({ lr: 0.02, alpha: 0.99, eps: 1e-8, wd: 0.1, momentum: 0.5, centered: true }),
    );
  });

  it.each([
    { optimizer_key: 'SGD', params: { lr: 0.05, momentum: 0.8, nesterov: true } },
    { optimizer_key: 'ADAM', params: { lr: 0.05 } },
    { optimizer_key: 'ADAMW', params: { lr: 0.05 } },
    { optimizer_key: 'ADADELTA' },
    { optimizer_key: 'RMSPROP', params: { momentum: 0.5, centered: true } },
  ])('$optimizer_key: state saved mid-way and restored into a fresh optimizer continues bit-identically', async (c) => {
    expect(await trained(c, 2)).toEqual(await trained(c));
  });

  it('refuses what TensorFlow.js cannot do, at the key', () => {
    const amsgrad = OptimizerConfigSchema.safeParse({ optimizer_key: 'ADAM', params: { amsgrad: true } });
    expect(amsgrad.success).toBe(false);
    expect(amsgrad.error?.issues[0]?.path).toEqual(['params', 'amsgrad']);
    const dampening = OptimizerConfigSchema.safeParse({ optimizer_key: 'SGD', params: { lr: 0.1, dampening: 0.5 } });
    expect(dampening.error?.issues[0]?.path).toEqual(['params', 'dampening']);
  });
});
