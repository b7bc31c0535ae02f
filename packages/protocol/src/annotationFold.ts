import type { AnnotationPayload, AnnotationTarget } from './annotations.js';

/** The annotations of one grid search: its own, and each experiment's (by id). */
export interface AnnotationState {
  grid_search: AnnotationTarget;
  experiments: Map<number, AnnotationTarget>;
}

export interface AnnotationFold {
  /** Folds one stored `annotation` event (its id in the log and its payload), in log order. */
  apply(eventId: number, payload: AnnotationPayload): AnnotationTarget;
  readonly state: AnnotationState;
  /** The target of an experiment (null: the grid search), empty when nothing annotated it. */
  target(experimentId: number | null): AnnotationTarget;
}

export const emptyTarget = (): AnnotationTarget => ({ tags: [], note: null, replaced: null });

/**
 * Annotation events in log order → each target's tags and note. Tags: additions and removals applied in order,
 * so concurrent edits of different tags merge and both survive. Notes: the last one stored wins ('' clears);
 * one written without seeing the note it replaced (its `note_base` is not that note's event id) keeps the
 * replaced text in `replaced`, so everyone is told and nothing is lost silently. The same fold runs in the websocket
 * endpoint (to refuse stale notes), the board, the CLI and the exported report.
 */
export function createAnnotationFold(): AnnotationFold {
  const state: AnnotationState = { grid_search: emptyTarget(), experiments: new Map() };
  const target = (id: number | null): AnnotationTarget => {
    if (id === null) return state.grid_search;
    let t = state.experiments.get(id);
    if (!t) state.experiments.set(id, (t = emptyTarget()));
    return t;
  };
  return {
    state,
    target: (id) => (id === null ? state.grid_search : (state.experiments.get(id) ?? emptyTarget())),
    apply(eventId, p) {
      const t = target(p.experiment_id);
      if (p.add_tags?.length || p.remove_tags?.length) {
        const tags = new Set(t.tags);
        for (const tag of p.remove_tags ?? []) tags.delete(tag);
        for (const tag of p.add_tags ?? []) tags.add(tag);
        t.tags = [...tags];
      }
      if (p.note !== undefined) {
        const previous = t.note;
        const sawPrevious = (p.note_base ?? null) === (previous?.event_id ?? null);
        t.replaced = sawPrevious || previous === null || previous.text === '' ? null : previous;
        t.note = { text: p.note, author: p.author ?? null, time: p.time, event_id: eventId };
      }
      return t;
    },
  };
}
