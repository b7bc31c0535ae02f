import type { EventLog } from '@mlgym/event-store';
import { MlgymError, PublishBatchSchema } from '@mlgym/protocol';
import type { PublishAck } from '@mlgym/protocol';
import type { KeyLimit } from './keyLimit.js';
import type { Permit } from './socketAccess.js';
import { validateEvent } from './validateEvent.js';

export interface PublisherOptions {
  permit: Permit;
  logFor: (gridSearchId: string) => Promise<EventLog>;
  keyLimit: KeyLimit;
  maxEventBytes: number;
  maxBatchEvents: number;
}

/**
 * `mlgym_event` and `mlgym_events`: the token's scope is checked before the events are read, the events against
 * the protocol, then the token's grid searches and the key bound; only then are they stored. Every refusal
 * throws an MlgymError (the caller answers it) and stores nothing.
 */
export function createPublisher(o: PublisherOptions) {
  function mayPublish(token: string | undefined, message: 'mlgym_event' | 'mlgym_events', gridSearchId?: string) {
    const what = gridSearchId ? `publish events of ${gridSearchId}` : 'publish events';
    const denied = o.permit(token, message, what, gridSearchId);
    if (denied) throw new MlgymError(denied);
  }

  return {
    async event(token: string | undefined, event: unknown): Promise<PublishAck> {
      mayPublish(token, 'mlgym_event');
      const gridSearchId = validateEvent(event, o.maxEventBytes).payload.grid_search_id;
      mayPublish(token, 'mlgym_event', gridSearchId);
      const log = await o.logFor(gridSearchId);
      await o.keyLimit.admit(gridSearchId, log, [event]);
      const { ids } = await log.append([event]);
      return { ok: true, event_ids: ids, duplicates: 0 };
    },

    async batch(token: string | undefined, raw: unknown): Promise<PublishAck> {
      mayPublish(token, 'mlgym_events');
      const parsed = PublishBatchSchema.safeParse(raw);
      if (!parsed.success) {
        throw MlgymError.fromIssue({
          code: 'EVENT_INVALID',
          problem: 'mlgym_events expects {publisher_id, first_seq, events: [...]}',
        });
      }
      const { publisher_id, first_seq, events } = parsed.data;
      if (events.length > o.maxBatchEvents) {
        throw MlgymError.fromIssue({
          code: 'PAYLOAD_TOO_LARGE',
          problem: `a batch of ${events.length} events`,
          expected: `at most ${o.maxBatchEvents}`,
        });
      }
      const gridSearchId = validateEvent(events[0], o.maxEventBytes, 0).payload.grid_search_id;
      events.forEach((e, i) => {
        if (validateEvent(e, o.maxEventBytes, i).payload.grid_search_id !== gridSearchId) {
          throw MlgymError.fromIssue({
            code: 'EVENT_INVALID',
            problem: `event ${i} belongs to another grid search than event 0`,
            hint: 'Send one batch per grid search',
          });
        }
      });
      mayPublish(token, 'mlgym_events', gridSearchId);
      const log = await o.logFor(gridSearchId);
      await o.keyLimit.admit(gridSearchId, log, events);
      const { ids, duplicates } = await log.append(events, { publisherId: publisher_id, firstSeq: first_seq });
      return { ok: true, event_ids: ids, duplicates };
    },
  };
}
