import type { BackendRecord } from '../backend/selectBackend.js';
import type { ExperimentPlan } from '../experiments/planExperiments.js';
import type { SplitResult } from '../training/earlyStopping.js';
import type { GymJobOptions } from './runGymJob.js';

/** One experiment to run: fresh (train) or resumed from its last checkpoint (warm start). */
export interface JobSpec {
  experimentId: number;
  config: Record<string, unknown>;
  resume: boolean;
  /** Train up to this many epochs instead of the run's num_epochs (a segment of an adaptive search). */
  numEpochs?: number | undefined;
}

export interface JobResult {
  experimentId: number;
  /** `interrupted`: stopped before its end by Ctrl-C or a lost worker (a warm start continues it). */
  status: 'done' | 'failed' | 'skipped' | 'interrupted';
  error?: string;
  lastEpoch: number;
  stoppedEarly: boolean;
  /** Last epoch's results per split (when nothing was left to train: its checkpoint's). */
  final?: SplitResult[] | undefined;
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
  | 'systemMetricsIntervalS'
> {
  jobs: JobSpec[];
  plan?: ExperimentPlan | undefined;
  log?: (line: string) => void;
  onBackend?: (record: BackendRecord) => void;
}
