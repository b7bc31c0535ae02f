// What users (plugins, scripts) and apps need. Worker-process internals: `@mlgym/core/worker`.

// Config language and planning.
export { YamlSource } from './config/yamlSource.js';
export type { Position } from './config/yamlSource.js';
export { loadRunConfig } from './config/loadRunConfig.js';
export type { LoadedRunConfig } from './config/loadRunConfig.js';
export { resumeRunConfig } from './config/resumeRunConfig.js';
export type { ResumeOptions, ResumeRunConfig } from './config/resumeRunConfig.js';
export { planExperiments } from './experiments/planExperiments.js';
export type { ExperimentPlan, PlannedExperiment, PlanOptions } from './experiments/planExperiments.js';
export { planExperimentStream } from './experiments/planStream.js';
export type { PlanStream } from './experiments/planStream.js';

// Components and plugins.
export { ComponentRegistry } from './registry/componentRegistry.js';
export type {
  BuildContext,
  ComponentDefinition,
  ExperimentContext,
  RequirementSpec,
} from './registry/componentRegistry.js';
export { createDefaultRegistry } from './components/createDefaultRegistry.js';
export { loadPlugins } from './registry/loadPlugins.js';
export { ArrayIterator, makeMeta } from './data/datasetIterator.js';
export type { DatasetIterator, IteratorMeta, Sample } from './data/datasetIterator.js';
export { createDatasetRepository } from './data/datasetRepository.js';
export type { DatasetDefinition, DatasetFactory } from './data/datasetRepository.js';
export { builtinModels, layerListModel } from './training/models.js';
export type { MlgymModel, ModelFactory } from './training/models.js';

// Training and its callbacks.
export { runExperiment } from './training/runExperiment.js';
export type { ExperimentComponents, ExperimentOutcome, RunExperimentOptions } from './training/runExperiment.js';
export type { BatchInfo, FitContext, TestBatchInfo, TrainingCallback } from './training/trainingCallback.js';
export {
  DEFAULT_SYSTEM_METRICS_INTERVAL_S,
  SystemMetricsReporter,
} from './training/callbacks/systemMetricsReporter.js';
export type { SystemMetricsOptions } from './training/callbacks/systemMetricsReporter.js';
export type { SplitResult } from './training/earlyStopping.js';
export { currentKernelPool, selectBackend } from './backend/selectBackend.js';
export { Kernel } from './backend/kernelPool.js';
export { useWinograd } from './backend/wasmWinogradConv.js';
export type { KernelPool } from './backend/kernelPool.js';
export type { BackendRecord } from './backend/selectBackend.js';

// Events.
export { MemoryEventSink, creationTs } from './reporting/eventSink.js';
export type { EventSink } from './reporting/eventSink.js';
export { LocalEventSink } from './reporting/localEventSink.js';
export { WebsocketReporter } from './reporting/websocketReporter.js';
export type { WebsocketReporterOptions } from './reporting/websocketReporter.js';

// Running experiments.
export { runFromRunConfig } from './gym/runFromRunConfig.js';
export type { RunFromConfigOptions, RunSummary } from './gym/runFromRunConfig.js';
export { runGymJob } from './gym/runGymJob.js';
export type { GymJobOptions } from './gym/runGymJob.js';
export { runJobsInPool } from './gym/processPool.js';
export type { PoolOptions } from './gym/processPool.js';
export type { JobResult, JobSpec } from './gym/jobSpec.js';
export { runDistributedWorker, waitForGridSearch } from './gym/distributed.js';
export type { DistributedWorkerOptions } from './gym/distributed.js';
export { formatNestedCvReport, nestedCvReport } from './gym/nestedCvReport.js';
export type { NestedCvReport, NestedCvSelection } from './gym/nestedCvReport.js';

// Adaptive search: the schedulers (pure; also for replaying recorded learning curves) and the runner's summary.
export { createScheduler, medianLadder, trialOrder } from './search/createScheduler.js';
export type { AdaptiveSpec, SchedulerInput } from './search/createScheduler.js';
export { simulate } from './search/simulateSearch.js';
export type { Scripted, Simulation, SimulateOptions } from './search/simulateSearch.js';
export type {
  BracketPlan,
  Decision,
  RungReport,
  SchedulerPlan,
  Segment,
  TrialScheduler,
  TrialStatus,
  TrialView,
} from './search/searchTypes.js';
export { describeDecision } from './gym/runSearch.js';
export type { SearchOutcome, SearchSummary, SearchTrialSummary } from './gym/runSearch.js';
export { searchPlanOf } from './gym/searchPlan.js';
export type { SearchPlanSummary } from './gym/searchPlan.js';
export { readRecordedSearch } from './gym/searchLedger.js';
export type { RecordedSearch } from './gym/searchLedger.js';
