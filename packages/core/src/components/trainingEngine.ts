/**
 * The tfjs side of the component builders, imported on the first build: planning (`mlgym run
 * --dry-run`) validates every config against the family schemas without loading TensorFlow.js.
 */
export async function trainingEngine() {
  const [dataLoader, evaluator, losses, models, postProcessors] = await Promise.all([
    import('../training/dataLoader.js'),
    import('../training/evaluator.js'),
    import('../training/losses.js'),
    import('../training/models.js'),
    import('../training/postProcessors.js'),
  ]);
  return {
    DataLoader: dataLoader.DataLoader,
    standardCollator: dataLoader.standardCollator,
    evalComponent: evaluator.evalComponent,
    createLoss: losses.createLoss,
    builtinModels: models.builtinModels,
    createPostProcessor: postProcessors.createPostProcessor,
  };
}
export type TrainingEngine = Awaited<ReturnType<typeof trainingEngine>>;
