// A component plugin: your own model, registered from code (the original's "blueprint").
// The run config names this file under run_configuration.config.plugins; mlgym loads it in the
// launching process and in every worker before building anything.
import * as tf from '@tensorflow/tfjs';
import { builtinModels } from '@mlgym/core';

/** A small CNN: conv(filters) → max-pool → dense(10). `model_definition` comes from gs_config.yml. */
function tinyCnn(definition, seed) {
  const filters = definition.filters ?? 8;
  // Named layers: tfjs would number them per process (dense_Dense7 in a reused worker's 7th model), and the
  // names go into the optimizer checkpoint and the model card.
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters,
        kernelSize: 5,
        activation: 'relu',
        name: 'conv',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.maxPooling2d({ poolSize: 4, name: 'pool' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({
        units: 10,
        name: 'dense',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}

export function register(registry) {
  // MODEL_REGISTRY/DEFAULT is a map from model name to factory; extend it with ours.
  registry.replace('MODEL_REGISTRY', 'DEFAULT', { build: () => new Map([...builtinModels(), ['tiny_cnn', tinyCnn]]) });
}
