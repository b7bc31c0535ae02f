import * as tf from '@tensorflow/tfjs';
import type { EarlyStoppingStrategy, SplitResult } from '../earlyStopping.js';
import type { FitContext, TrainingCallback } from '../trainingCallback.js';

/** The model's weights, as far as restore-best-weights needs them. */
export interface WeightHolder {
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
}

/**
 * Asks the strategy after each epoch whether to stop (setting `ctx.stop`), keeps a copy of the best
 * epoch's weights when the strategy restores them, and puts that copy back when training ends.
 * The checkpoint callback saves and restores the strategy's state and the copy.
 */
export class EarlyStoppingCallback implements TrainingCallback {
  private best: tf.Tensor[] | undefined;

  constructor(
    readonly strategy: EarlyStoppingStrategy,
    private readonly model: WeightHolder,
  ) {}

  /** The best epoch's weights so far, if kept. */
  get bestWeights(): readonly tf.Tensor[] | undefined {
    return this.best;
  }

  /** A warm start's state: the strategy's, and the best weights (taken over: this callback disposes them). */
  restore(state: unknown, best: tf.Tensor[] | undefined): void {
    this.strategy.setState(state);
    this.replaceBest(best?.map((t) => tf.keep(t)));
  }

  onEpochEnd(ctx: FitContext, results: readonly SplitResult[]): void {
    if (this.strategy.shouldStop(ctx.epoch, results)) {
      ctx.stop = true;
      ctx.stoppedEarly = true;
    }
    if (this.strategy.restoreBestWeights && this.strategy.bestEpoch?.() === ctx.epoch)
      this.replaceBest(this.model.getWeights().map((w) => tf.keep(w.clone())));
  }

  onTrainEnd(): void {
    if (!this.best) return;
    // restore_best_weights: the model leaves training with its best epoch's weights.
    this.model.setWeights(this.best);
    this.replaceBest(undefined);
  }

  /** Frees the kept weights (a fit that ends without `onTrainEnd`). */
  dispose(): void {
    this.replaceBest(undefined);
  }

  private replaceBest(next: tf.Tensor[] | undefined): void {
    tf.dispose(this.best ?? []);
    this.best = next;
  }
}
