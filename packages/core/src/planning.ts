/**
 * `@mlgym/core/planning`: the config language and experiment planning without the training engine,
 * so `mlgym run --dry-run` checks every experiment without loading TensorFlow.js (the component
 * builders import it on their first build).
 */
export { YamlSource } from './config/yamlSource.js';
export { loadRunConfig } from './config/loadRunConfig.js';
export type { LoadedRunConfig } from './config/loadRunConfig.js';
export { planExperiments } from './experiments/planExperiments.js';
export type { ExperimentPlan, PlannedExperiment, PlanOptions } from './experiments/planExperiments.js';
export { planExperimentStream } from './experiments/planStream.js';
export type { PlanStream } from './experiments/planStream.js';
export { ComponentRegistry } from './registry/componentRegistry.js';
export { createDefaultRegistry } from './components/createDefaultRegistry.js';
export { loadPlugins } from './registry/loadPlugins.js';
export { searchPlanOf } from './gym/searchPlan.js';
export type { SearchPlanSummary } from './gym/searchPlan.js';
export type { SchedulerPlan, BracketPlan, Decision, TrialView } from './search/searchTypes.js';
