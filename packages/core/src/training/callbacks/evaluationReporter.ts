import type { EventSink } from '../../reporting/eventSink.js';
import { creationTs } from '../../reporting/eventSink.js';
import type { SplitResult } from '../earlyStopping.js';
import type { FitContext, TrainingCallback } from '../trainingCallback.js';
import type { ReporterIds } from './progressReporter.js';

/** An `evaluation_result` event per evaluated split after each epoch (NaN scores sent as null). */
export class EvaluationReporter implements TrainingCallback {
  constructor(
    private readonly sink: EventSink,
    private readonly ids: ReporterIds,
  ) {}

  onEpochEnd(ctx: FitContext, results: readonly SplitResult[]): void {
    for (const r of results) {
      this.sink.emit({
        event_type: 'evaluation_result',
        creation_ts: creationTs(),
        payload: {
          grid_search_id: this.ids.gridSearchId,
          experiment_id: this.ids.experimentId,
          epoch: ctx.epoch,
          metric_scores: Object.entries(r.metrics).map(([metric, score]) => ({
            metric,
            split: r.split,
            score: Number.isNaN(score) ? null : score,
          })),
          loss_scores: Object.entries(r.losses).map(([loss, score]) => ({
            loss,
            split: r.split,
            score: Number.isNaN(score) ? null : score,
          })),
        },
      });
    }
  }
}
