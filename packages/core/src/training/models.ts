import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';

/** A model as the gym uses it: a tfjs LayersModel plus where its prediction goes. */
export interface MlgymModel {
  model: tf.LayersModel;
  /** Key under which the forward pass publishes its output (`prediction_publication_key`). */
  predictionKey: string;
  /** Shape of one input sample; batches are reshaped to [batch, ...inputShape]. */
  inputShape: number[];
}

/** Builds a LayersModel from a `model_definition` and a seed. Register your own under any name. */
export type ModelFactory = (definition: Record<string, unknown>, seed: number) => tf.LayersModel;

interface LayerSpec {
  type: string;
  params: Record<string, number>;
}

function layers(definition: Record<string, unknown>): LayerSpec[] {
  const list = definition['layer_config'];
  if (!Array.isArray(list) || list.length === 0) {
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      keyPath: 'model_definition.layer_config',
      problem: 'the model needs a non-empty layer_config list',
      expected: '[{type: conv|fc, params: {...}}, ...]',
    });
  }
  return list.map((l, i) => {
    const spec = l as Partial<LayerSpec>;
    if ((spec.type !== 'conv' && spec.type !== 'fc') || typeof spec.params !== 'object') {
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: `model_definition.layer_config[${i}]`,
        problem: 'unknown layer',
        found: JSON.stringify(l),
        expected:
          '{type: conv, params: {in_channels, out_channels, kernel_size, stride}} or {type: fc, params: {in_features, out_features}}',
      });
    }
    return spec as LayerSpec;
  });
}

/**
 * The original example's net from its layer list: conv layers (ReLU), a 2×2 max-pool after the
 * convolutions, flatten, then fully connected layers (ReLU between them). Without conv layers it
 * is a plain MLP. Weights are initialised from the seed, so equal seeds give equal models.
 */
export const layerListModel: ModelFactory = (definition, seed) => {
  const specs = layers(definition);
  const convs = specs.filter((s) => s.type === 'conv');
  const fcs = specs.filter((s) => s.type === 'fc');
  const inputShape =
    (definition['input_shape'] as number[] | undefined) ??
    (convs.length > 0 ? [28, 28, convs[0]?.params['in_channels'] ?? 1] : [fcs[0]?.params['in_features'] ?? 1]);
  let nextSeed = seed;
  const init = () => tf.initializers.glorotUniform({ seed: nextSeed++ });
  // tfjs names layers from process-wide counters (dense_Dense7 in a worker's 7th model); fixed names
  // keep weight names, optimizer filters and the model card the same in every process.
  const counts = new Map<string, number>();
  const name = (prefix: string) => `${prefix}${counts.set(prefix, (counts.get(prefix) ?? 0) + 1).get(prefix)}`;
  const model = tf.sequential({ name: 'sequential_1' });
  convs.forEach((c, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape } : {}),
        filters: c.params['out_channels'] as number,
        kernelSize: c.params['kernel_size'] ?? 3,
        strides: c.params['stride'] ?? 1,
        name: name('conv2d_Conv2D'),
        activation: 'relu',
        kernelInitializer: init(),
        biasInitializer: 'zeros',
      }),
    );
  });
  if (convs.length > 0) model.add(tf.layers.maxPooling2d({ poolSize: 2, name: name('max_pooling2d_MaxPooling2D') }));
  if (convs.length > 0 || inputShape.length > 1)
    model.add(tf.layers.flatten({ ...(convs.length > 0 ? {} : { inputShape }), name: name('flatten_Flatten') }));
  const flat = model.layers.length > 0 ? (model.outputs[0]?.shape[1] as number) : inputShape.reduce((a, b) => a * b, 1);
  const declared = fcs[0]?.params['in_features'];
  if (declared !== undefined && declared !== flat) {
    throw MlgymError.fromIssue({
      code: 'CONFIG_INVALID',
      keyPath: 'model_definition.layer_config',
      problem: `the first fc layer declares in_features ${declared}, but the layers before it produce ${flat}`,
      expected: `in_features: ${flat} (or an input_shape that gives ${declared})`,
    });
  }
  fcs.forEach((f, i) => {
    model.add(
      tf.layers.dense({
        ...(model.layers.length === 0 ? { inputShape } : {}),
        units: f.params['out_features'] as number,
        name: name('dense_Dense'),
        activation: i < fcs.length - 1 ? 'relu' : 'linear',
        kernelInitializer: init(),
        biasInitializer: 'zeros',
      }),
    );
  });
  return model;
};

/** Model registry with the built-in layer-list models under the original's names. */
export function builtinModels(): Map<string, ModelFactory> {
  return new Map<string, ModelFactory>([
    ['conv_net', layerListModel],
    ['linear_net', layerListModel],
    ['mlp', layerListModel],
  ]);
}

/** Trainable parameter count (what the original's model card always reported as 0). */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

export function forward(m: MlgymModel, samples: tf.Tensor): tf.Tensor {
  const reshaped = samples.reshape([samples.shape[0] as number, ...m.inputShape]);
  return m.model.apply(reshaped, { training: true }) as tf.Tensor;
}
