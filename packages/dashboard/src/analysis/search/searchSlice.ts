import { createEntityAdapter, createSlice } from '@reduxjs/toolkit';
import type { SearchDecisionKind, SearchDecisionPayload, SearchPlanPayload } from '@mlgym/protocol';
import { dataReceived, dataReset } from '../../connection/events/dataActions';

/** One rung a trial reached: what it scored there and what was decided. */
export interface TrialRung {
  rung: number;
  epoch: number;
  score: number | null;
  cutoff: number | null;
  decision: SearchDecisionKind;
  reason: string | null;
}

/** A trial of an adaptive search, folded from its `search_decision` events. */
export interface SearchTrial {
  trial_id: number;
  experiment_ids: number[];
  bracket: number;
  /** `running`: started or promoted, its next rung not reported yet. */
  status: 'running' | 'stopped' | 'completed' | 'failed';
  /** Where it trains to now (running), else null. */
  next_epoch: number | null;
  rungs: TrialRung[];
  params?: Record<string, unknown> | undefined;
}

export const trialsAdapter = createEntityAdapter({
  selectId: (t: SearchTrial) => t.trial_id,
  sortComparer: (a, b) => a.trial_id - b.trial_id,
});

const initialState = trialsAdapter.getInitialState({
  plan: null as SearchPlanPayload | null,
  /** Decisions folded, by seq: a replayed history folds nothing twice. */
  seen: {} as Record<number, true>,
  decisions: 0,
});
export type SearchState = typeof initialState;

declare module '../../store/rootState' {
  interface RootState {
    search: SearchState;
  }
}

/** Folds one decision into its trial (pure; the reducer's body). */
export function foldDecision(state: SearchState, d: SearchDecisionPayload): void {
  if (state.seen[d.seq]) return;
  state.seen[d.seq] = true;
  state.decisions++;
  const existing = state.entities[d.trial_id];
  const trial: SearchTrial = existing ?? {
    trial_id: d.trial_id,
    experiment_ids: d.experiment_ids,
    bracket: d.bracket,
    status: 'running',
    next_epoch: null,
    rungs: [],
  };
  if (d.decision === 'started') {
    trial.status = 'running';
    trial.next_epoch = d.next_epoch;
    if (d.params) trial.params = d.params;
  } else {
    trial.rungs = [
      ...trial.rungs.filter((r) => r.rung !== d.rung),
      {
        rung: d.rung,
        epoch: d.epoch,
        score: d.score,
        cutoff: d.cutoff,
        decision: d.decision,
        reason: d.reason ?? null,
      },
    ].sort((a, b) => a.rung - b.rung);
    trial.status = d.decision === 'promoted' ? 'running' : d.decision;
    trial.next_epoch = d.decision === 'promoted' ? d.next_epoch : null;
  }
  trialsAdapter.setOne(state, trial);
}

/** An adaptive search's plan and trials (the Search page's ladder), from the log's search events. */
export const searchSlice = createSlice({
  name: 'search',
  initialState,
  reducers: {},
  extraReducers: (builder) => {
    builder
      .addCase(dataReceived, (state, { payload }) => {
        if (!payload.search) return;
        if (payload.search.plan) state.plan = payload.search.plan;
        for (const d of payload.search.decisions) foldDecision(state, d);
      })
      .addCase(dataReset, () => initialState);
  },
});
