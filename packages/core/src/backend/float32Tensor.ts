import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/**
 * A float32 tensor whose values `fill` writes. On the wasm backend it writes them straight into
 * the tensor's memory in tfjs's heap (one copy of a batch instead of two: into an array, then from
 * the array into the heap); elsewhere into a new array that becomes the tensor.
 */
export function float32Tensor(shape: number[], fill: (values: Float32Array) => void): tf.Tensor {
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as HeapBackend;
    const info = backend.makeOutput(shape, 'float32');
    // The view is used before anything else can allocate (and grow the heap under it).
    fill(backend.typedArrayFromHeap(info));
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor;
  }
  const values = new Float32Array(shape.reduce((n, d) => n * d, 1));
  fill(values);
  return tf.tensor(values, shape);
}
