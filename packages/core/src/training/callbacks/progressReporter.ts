import type { MlgymEvent } from '@mlgym/protocol';
import type { EventSink } from '../../reporting/eventSink.js';
import { creationTs } from '../../reporting/eventSink.js';
import type { BatchInfo, FitContext, TestBatchInfo, TrainingCallback } from '../trainingCallback.js';

export interface ReporterIds {
  gridSearchId: string;
  experimentId: number;
}

/** Throttle of the original: report when current_batch mod max(1, floor(n/10)) == 0 (and the last batch). */
export const reportable = (batch: number, n: number) =>
  batch % Math.max(1, Math.floor(n / 10)) === 0 || batch === n - 1;

/**
 * Batch progress as the original's `experiment_status` events: about ten per epoch while training
 * (`status: train`) and per split while evaluating (`status: evaluation`).
 */
export class ProgressReporter implements TrainingCallback {
  constructor(
    private readonly sink: EventSink,
    private readonly ids: ReporterIds,
    /** The training split's name (the loader's dataset tag). */
    private readonly trainSplit: string,
  ) {}

  onBatchEnd(ctx: FitContext, info: BatchInfo): void {
    const n = ctx.batchesPerEpoch;
    if (!reportable(info.batch, n)) return;
    const split = this.trainSplit;
    this.sink.emit(this.status(ctx, { status: 'train', splits: [split], split, batches: n, batch: info.batch }));
  }

  onTestBatchEnd(ctx: FitContext, p: TestBatchInfo): void {
    if (!reportable(p.batch - 1, p.batches)) return;
    this.sink.emit(
      this.status(ctx, { status: 'evaluation', splits: p.splits, split: p.split, batches: p.batches, batch: p.batch }),
    );
  }

  private status(
    ctx: FitContext,
    s: { status: 'train' | 'evaluation'; splits: string[]; split: string; batches: number; batch: number },
  ): MlgymEvent {
    return {
      event_type: 'experiment_status',
      creation_ts: creationTs(),
      payload: {
        grid_search_id: this.ids.gridSearchId,
        experiment_id: this.ids.experimentId,
        status: s.status,
        num_epochs: ctx.numEpochs,
        current_epoch: ctx.epoch,
        splits: s.splits,
        current_split: s.split,
        num_batches: s.batches,
        current_batch: s.batch,
      },
    };
  }
}
