import type { MlgymEvent } from '@mlgym/protocol';
import type { EventSink } from '../reporting/eventSink.js';
import { creationTs } from '../reporting/eventSink.js';

/**
 * A train run's `tags:` (run_configuration.config.tags): each experiment the run announces (its `experiment_config`,
 * whatever runs it: this process, a pool, distributed workers, an adaptive search's trials) is followed by an
 * `annotation` event adding them. They are ordinary annotations: MLboard and `mlgym tag` edit them later, and a warm
 * start (which announces again) does not add them back.
 */
export function withRunTags(sink: EventSink, tags: readonly string[]): EventSink {
  if (tags.length === 0) return sink;
  return {
    emit(event: MlgymEvent) {
      sink.emit(event);
      if (event.event_type !== 'experiment_config') return;
      sink.emit({
        event_type: 'annotation',
        creation_ts: creationTs(),
        payload: {
          grid_search_id: event.payload.grid_search_id,
          experiment_id: event.payload.experiment_id,
          add_tags: [...tags],
          source: 'run_config',
          author: null,
          time: Date.now() / 1000,
        },
      });
    },
    flush: (timeoutMs) => sink.flush(timeoutMs),
    close: (timeoutMs) => sink.close(timeoutMs),
  };
}
