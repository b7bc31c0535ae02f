import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedTensorMap, TensorInfo } from '@tensorflow/tfjs';
import { Kernel } from './kernelPool.js';
import type { KernelPool } from './kernelPool.js';
import { addressOf, newOutput, sizeOf } from './wasmTensors.js';

const PER_CLAIM = 16_384;

/** The fields of tfjs's AdamOptimizer that its update reads and writes. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

type Gradients = NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;

/** MlgymAdam: one pass of Adam's update over a weight, its moments and its gradient (native/elementwise.c). */
export function adamKernelConfig(pool: KernelPool): KernelConfig {
  return {
    kernelName: 'MlgymAdam',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { g, m, v, w, accBeta1, accBeta2 } = inputs as Record<string, TensorInfo>;
      const { beta1, beta2, epsilon, learningRate } = attrs as unknown as Record<string, number>;
      const shape = (w as TensorInfo).shape;
      const n = sizeOf(shape);
      const outs = [newOutput(backend, shape), newOutput(backend, shape), newOutput(backend, shape)];
      const at = (t: TensorInfo | undefined) => addressOf(backend, t as TensorInfo);
      pool.run(Kernel.adam, Math.max(1, Math.ceil(n / PER_CLAIM)), [
        at(g),
        at(m),
        at(v),
        at(w),
        ...outs.map(at),
        n,
        PER_CLAIM,
        // As tfjs turns them into float32 scalars: 1 − β is computed in float64 first.
        { f32: beta1 as number },
        { f32: 1 - (beta1 as number) },
        { f32: beta2 as number },
        { f32: 1 - (beta2 as number) },
        at(accBeta1),
        at(accBeta2),
        { f32: epsilon as number },
        { f32: -(learningRate as number) },
      ]);
      return outs;
    },
  };
}

let installed = false;

/**
 * Makes tfjs's Adam update each weight with MlgymAdam on the wasm backend (one pass instead of a
 * dozen element-wise kernels, each reading and writing the whole weight), with the same float32
 * operations in the same order, so the bits, the moments' variables and the checkpoints are those
 * of tfjs's own update. Other backends and dtypes keep tfjs's code.
 */
export function installFusedAdam(): void {
  if (installed) return;
  installed = true;
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients(g: Gradients): void };
  const original = proto.applyGradients;
  proto.applyGradients = function (this: AdamState, gradients: Gradients) {
    if (tf.getBackend() !== 'wasm' || !tf.getKernel('MlgymAdam', 'wasm')) {
      original.call(this, gradients);
      return;
    }
    const list = Array.isArray(gradients)
      ? gradients
      : Object.keys(gradients).map((name) => ({ name, tensor: gradients[name] as tf.Tensor }));
    if (
      list.some(
        ({ name, tensor }) =>
          tensor && (tensor.dtype !== 'float32' || tf.engine().registeredVariables[name]?.dtype !== 'float32'),
      )
    ) {
      original.call(this, gradients);
      return;
    }
    tf.tidy(() => {
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name] as tf.Variable;
        this.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        this.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        if (gradient == null) return;
        const m = this.accumulatedFirstMoment[i].variable;
        const v = this.accumulatedSecondMoment[i].variable;
        const [m2, v2, w2] = tf
          .engine()
          .runKernel(
            'MlgymAdam',
            { g: gradient, m, v, w: value, accBeta1: this.accBeta1, accBeta2: this.accBeta2 },
            { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate },
          ) as tf.Tensor[];
        m.assign(m2 as tf.Tensor);
        v.assign(v2 as tf.Tensor);
        value.assign(w2 as tf.Tensor);
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  };
}
