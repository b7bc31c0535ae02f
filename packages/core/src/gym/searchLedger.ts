import { SearchDecisionPayloadSchema, SearchPlanPayloadSchema } from '@mlgym/protocol';
import type { MlgymEvent, SearchDecisionPayload, SearchPlanPayload } from '@mlgym/protocol';
import { creationTs } from '../reporting/eventSink.js';
import type { Decision } from '../search/searchTypes.js';

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

/** A decision as the `search_decision` event that records it. */
export function decisionEvent(
  gridSearchId: string,
  seq: number,
  d: Decision,
  experimentIds: readonly number[],
): MlgymEvent {
  const payload: SearchDecisionPayload = {
    grid_search_id: gridSearchId,
    seq,
    trial_id: d.trialId,
    experiment_ids: [...experimentIds],
    decision: d.kind,
    bracket: d.bracket,
    rung: d.rung,
    epoch: d.epoch,
    next_epoch: d.nextEpoch,
    score: finite(d.score),
    cutoff: finite(d.cutoff),
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.params ? { params: d.params } : {}),
  };
  return { event_type: 'search_decision', creation_ts: creationTs(), payload };
}

/** A recorded decision back as the scheduler's (a score recorded as null was not a number). */
export function decisionOf(p: SearchDecisionPayload): Decision {
  return {
    trialId: p.trial_id,
    kind: p.decision,
    bracket: p.bracket,
    rung: p.rung,
    epoch: p.epoch,
    nextEpoch: p.next_epoch,
    score: p.decision === 'started' || p.decision === 'failed' ? undefined : (p.score ?? Number.NaN),
    cutoff: p.cutoff ?? undefined,
    reason: p.reason ?? undefined,
    params: p.params,
  };
}

/** What an interrupted search recorded in its grid search's log. */
export interface RecordedSearch {
  plan?: SearchPlanPayload | undefined;
  /** In the order taken (by `seq`), each once. */
  decisions: SearchDecisionPayload[];
}

/** Reads the search's plan and decisions out of a grid search's events (a stored log, or its history). */
export async function readRecordedSearch(events: AsyncIterable<unknown>): Promise<RecordedSearch> {
  const bySeq = new Map<number, SearchDecisionPayload>();
  let plan: SearchPlanPayload | undefined;
  for await (const raw of events) {
    const event = raw as { event_type?: unknown; payload?: unknown };
    if (event?.event_type === 'search_decision') {
      const parsed = SearchDecisionPayloadSchema.safeParse(event.payload);
      if (parsed.success && !bySeq.has(parsed.data.seq)) bySeq.set(parsed.data.seq, parsed.data);
    } else if (event?.event_type === 'search_plan') {
      const parsed = SearchPlanPayloadSchema.safeParse(event.payload);
      if (parsed.success) plan ??= parsed.data;
    }
  }
  const decisions = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  // A gap means the log lost a decision: keep the ones before it (what follows was taken on what is missing).
  const contiguous = decisions.findIndex((d, i) => d.seq !== i);
  return { plan, decisions: contiguous < 0 ? decisions : decisions.slice(0, contiguous) };
}
