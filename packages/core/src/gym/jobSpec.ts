import type { BackendRecord } from '../backend/selectBackend.js';
import type { ExperimentPlan } from '../experiments/planExperiments.js';
import type { SplitResult } from '../training/earlyStopping.js';
import type { GymJobOptions } from './runGymJob.js';

/** One experiment to run: fresh (train) or resumed from its last checkpoint (warm start). */
export interface JobSpec {
  experimentId: number;
  config: Record<string, unknown>;
  resume: boolean;
}

export interface JobResult {
  experimentId: number;
  status: 'done' | 'failed' | 'skipped';
  error?: string;
  lastEpoch: number;
  stoppedEarly: boolean;
  /** Last epoch's results per split. */
  final?: SplitResult[];
  seconds: number;
}

/** The job-independent options of `runGymJob`, plus the jobs and what the runner reports. */
export interface RunJobsOptions extends Pick<
  GymJobOptions,
  | 'gridSearchId'
  | 'numEpochs'
  | 'numBatchesPerEpoch'
  | 'store'
  | 'sink'
  | 'backend'
  | 'seed'
  | 'registry'
  | 'signal'
  | 'configDir'
> {
  jobs: JobSpec[];
  plan?: ExperimentPlan | undefined;
  log?: (line: string) => void;
  onBackend?: (record: BackendRecord) => void;
}
