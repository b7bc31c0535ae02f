import type { FitContext, TrainingCallback } from '../trainingCallback.js';

/** What the callback drives: an optimizer group's learning-rate schedule. */
export interface Schedulable {
  readonly scheduleStep: 'epoch' | 'batch';
  /** Sets the rates for a scheduler step (an epoch or a global batch count). */
  schedule(step: number): void;
}

/**
 * Sets the learning rate before each epoch or each batch, by the epoch or the global batch count;
 * the schedule is a pure function of that step, so a warm start needs no state of its own.
 */
export class LrScheduleCallback implements TrainingCallback {
  constructor(private readonly optimizers: Schedulable) {}

  onEpochBegin(ctx: FitContext): void {
    if (this.optimizers.scheduleStep === 'epoch') this.optimizers.schedule(ctx.epoch);
  }

  onBatchBegin(ctx: FitContext): void {
    if (this.optimizers.scheduleStep === 'batch') this.optimizers.schedule(ctx.globalBatch);
  }
}
