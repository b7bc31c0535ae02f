import type { SplitResult } from './earlyStopping.js';
import type { BatchInfo, FitContext, TestBatchInfo, TrainingCallback } from './trainingCallback.js';

/** Calls each hook of its callbacks in order (tfjs-layers' `CallbackList`). */
export class CallbackList implements Required<TrainingCallback> {
  constructor(readonly callbacks: readonly TrainingCallback[]) {}

  /** Stops at the callback that marks the fit `alreadyComplete`: nothing after it is begun. */
  async onTrainBegin(ctx: FitContext): Promise<void> {
    for (const cb of this.callbacks) {
      await cb.onTrainBegin?.(ctx);
      if (ctx.alreadyComplete) return;
    }
  }

  async onEpochBegin(ctx: FitContext): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochBegin?.(ctx);
  }

  onBatchBegin(ctx: FitContext, batch: number): void {
    for (const cb of this.callbacks) cb.onBatchBegin?.(ctx, batch);
  }

  onBatchEnd(ctx: FitContext, info: BatchInfo): void {
    for (const cb of this.callbacks) cb.onBatchEnd?.(ctx, info);
  }

  onTestBatchEnd(ctx: FitContext, info: TestBatchInfo): void {
    for (const cb of this.callbacks) cb.onTestBatchEnd?.(ctx, info);
  }

  async onEpochEnd(ctx: FitContext, results: readonly SplitResult[]): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochEnd?.(ctx, results);
  }

  async onTrainEnd(ctx: FitContext): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainEnd?.(ctx);
  }
}
