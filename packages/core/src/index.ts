export { YamlSource } from './config/yamlSource.js';
export type { Position } from './config/yamlSource.js';
export { loadRunConfig, resolveAgainst, runConfigFromSource } from './config/loadRunConfig.js';
export { resumeRunConfig } from './config/resumeRunConfig.js';
export type { ResumeOptions, ResumeRunConfig } from './config/resumeRunConfig.js';
export type { LoadedRunConfig } from './config/loadRunConfig.js';
export { loadGsConfig } from './config/loadGsConfig.js';
export type { LoadedGsConfig } from './config/loadGsConfig.js';
export { loadValidationConfig } from './config/loadValidationConfig.js';
export type { LoadedValidationConfig } from './config/loadValidationConfig.js';
export { zodToIssues } from './config/zodIssues.js';
export { expandGrid, MAX_GRID_SIZE } from './sweep/expandGrid.js';
export { applyRandomSearch } from './sweep/applyRandomSearch.js';
export { scanSweeps } from './sweep/scanSweeps.js';
export type { SweepScan, SweepSite } from './sweep/scanSweeps.js';
export { SWEEP_KINDS, isSweepNode, sweepValues } from './sweep/sweepSpec.js';
export type { SweepKind } from './sweep/sweepSpec.js';
export { ComponentRegistry } from './registry/componentRegistry.js';
export type {
  BuildContext,
  ComponentDefinition,
  ExperimentContext,
  RequirementSpec,
} from './registry/componentRegistry.js';
export { ComponentGraph } from './registry/componentGraph.js';
export type { ComponentGraphOptions, ComponentNode } from './registry/componentGraph.js';
export { ComponentBuilder } from './registry/componentBuilder.js';
export { applySubscription } from './registry/applySubscription.js';
export { inject } from './registry/injector.js';
export type { InjectionResult } from './registry/injector.js';
export { BUILTIN_INJECTABLE_IDS, GYM_COMPONENTS, createDefaultRegistry } from './components/createDefaultRegistry.js';
export {
  ArrayIterator,
  CombinedIterator,
  ViewIterator,
  columnOf,
  isDatasetIterator,
  makeMeta,
} from './data/datasetIterator.js';
export type { DatasetIterator, IteratorMeta, Sample, SplitDict } from './data/datasetIterator.js';
export { DatasetRepository, createDatasetRepository } from './data/datasetRepository.js';
export type { DatasetDefinition, DatasetFactory } from './data/datasetRepository.js';
export { randomSplitIndices, stratifiedSplitIndices } from './data/splitIndices.js';
export { kFold, stratifiedKFold } from './validation/kFold.js';
export { crossValidationFolds, nestedCrossValidationFolds } from './validation/foldDescriptors.js';
export type { FoldDescriptor } from './validation/foldDescriptors.js';
export { planExperiments } from './experiments/planExperiments.js';
export type { ExperimentPlan, PlannedExperiment, PlanOptions } from './experiments/planExperiments.js';
export { canonicalJson, configHash } from './util/canonicalJson.js';
export { Rng, hashString } from './util/rng.js';
export { didYouMean, nearest } from './util/nearest.js';
export { configsEqual, deleteBranches, isConfigInGrid } from './sweep/gridMembership.js';
export { MemoryEventSink, creationTs } from './reporting/eventSink.js';
export type { EventSink } from './reporting/eventSink.js';
export { WebsocketReporter } from './reporting/websocketReporter.js';
export type { WebsocketReporterOptions } from './reporting/websocketReporter.js';
export { LocalEventSink } from './reporting/localEventSink.js';
export { selectBackend } from './backend/selectBackend.js';
export type { BackendRecord } from './backend/selectBackend.js';
export { registerWasmGradientKernels } from './backend/wasmGradientKernels.js';
export { runGymJob } from './gym/runGymJob.js';
export type { GymJobOptions } from './gym/runGymJob.js';
export { runExperiment } from './training/runExperiment.js';
export type {
  ExperimentComponents,
  ExperimentOutcome,
  RunExperimentOptions,
  TrainerComponent,
} from './training/runExperiment.js';
export type { TrainingCallback, FitContext, BatchInfo } from './training/trainingCallback.js';
export { DataLoader, standardCollator } from './training/dataLoader.js';
export type { Batch, Collator, LoaderState, SamplingStrategy } from './training/dataLoader.js';
export { METRICS, createMetric } from './training/metrics.js';
export type { Metric, MetricSpec, MetricValue } from './training/metrics.js';
export { LOSSES, createLoss } from './training/losses.js';
export type { LossFunction, LossSpec } from './training/losses.js';
export { POST_PROCESSORS, createPostProcessor } from './training/postProcessors.js';
export { createOptimizer } from './training/optimizers.js';
export { createLrScheduler } from './training/lrScheduler.js';
export { EARLY_STOPPING, lastKEpochsImprovement, patience } from './training/earlyStopping.js';
export type { EarlyStoppingStrategy, SplitResult } from './training/earlyStopping.js';
export { CHECKPOINTING } from './training/checkpointingStrategy.js';
export type { CheckpointingStrategy, CheckpointInstruction } from './training/checkpointingStrategy.js';
export { builtinModels, layerListModel, trainableParams } from './training/models.js';
export type { MlgymModel, ModelFactory } from './training/models.js';
export { runFromRunConfig } from './gym/runFromRunConfig.js';
export type { RunFromConfigOptions, RunSummary } from './gym/runFromRunConfig.js';
export { planWarmStart } from './gym/warmStartPlan.js';
export type { ExperimentAction, WarmStartOverrides, WarmStartPlan } from './gym/warmStartPlan.js';
export type { JobResult, JobSpec } from './gym/jobSpec.js';
export { newGridSearchId } from './gym/gridSearchId.js';
export { systemInfo } from './gym/systemInfo.js';
export { runJobsInPool } from './gym/processPool.js';
export type { PoolOptions, StoreDescriptor, WorkerMessage, WorkerRequest } from './gym/processPool.js';
export { runWorker } from './gym/jobWorker.js';
export { formatNestedCvReport, nestedCvReport } from './gym/nestedCvReport.js';
export type { NestedCvReport, NestedCvSelection } from './gym/nestedCvReport.js';
export {
  queueNameOf,
  redisConnection,
  runDistributedWorker,
  submitAndWait,
  waitForGridSearch,
} from './gym/distributed.js';
export type { DistributedJobData, DistributedWorkerOptions, SubmitOptions } from './gym/distributed.js';
export { forkJob } from './gym/processPool.js';
export { loadPlugins } from './registry/loadPlugins.js';
