import { AnnotationPayloadSchema, MlgymError, createAnnotationFold } from '@mlgym/protocol';
import type { AnnotationFold, AnnotationPayload, AnnotationRequest, MlgymEvent, NoteRevision } from '@mlgym/protocol';
import type { EventLog } from './eventLog.js';

/** A grid search's annotations and experiment ids, as read from its log up to event `next`. */
export interface AnnotationView {
  readonly fold: AnnotationFold;
  readonly experiments: Set<number>;
  next: number;
}

export const createAnnotationView = (): AnnotationView => ({
  fold: createAnnotationFold(),
  experiments: new Set(),
  next: 0,
});

/** Folds one stored line into the view when it is an annotation or names an experiment. */
export function foldAnnotationLine(view: AnnotationView, id: number, line: string): void {
  const annotation = line.includes('"annotation"');
  if (!annotation && !line.includes('"experiment_config"')) return; // most lines are progress events
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return; // a foreign or torn line holds nothing to know
  }
  if (typeof event !== 'object' || event === null) return;
  const { event_type: type, payload } = event as { event_type?: unknown; payload?: unknown };
  if (type === 'annotation') {
    const parsed = AnnotationPayloadSchema.safeParse(payload);
    if (parsed.success) view.fold.apply(id, parsed.data);
  } else if (type === 'experiment_config') {
    const experiment = (payload as { experiment_id?: unknown } | undefined)?.experiment_id;
    if (typeof experiment === 'number' && Number.isSafeInteger(experiment)) view.experiments.add(experiment);
  }
}

/** Reads what the log stored since the view was last caught up. */
export async function catchUpAnnotations(view: AnnotationView, log: EventLog): Promise<void> {
  const to = log.length;
  if (view.next >= to) return;
  for await (const chunk of log.readRaw(view.next, to)) {
    const lines = chunk.bytes.toString('utf8').split('\n');
    for (let i = 0; i < chunk.count; i++) foldAnnotationLine(view, chunk.firstId + i, lines[i] as string);
  }
  view.next = to;
}

function describeIds(ids: ReadonlySet<number>): string {
  const sorted = [...ids].sort((a, b) => a - b);
  return sorted.length > 8 ? `${sorted.slice(0, 8).join(', ')}, … (${sorted.length} in all)` : sorted.join(', ');
}

/**
 * The `annotation` event an edit makes, checked against the view: an experiment the grid search has (NOT_FOUND
 * otherwise), and a note written over the current one (`note_base` = its event id). A note written over another
 * answers `conflict` with the current note instead: the writer merges and saves again, so no edit is lost silently.
 */
export function annotationEvent(
  view: AnnotationView,
  gridSearchId: string,
  edit: AnnotationRequest,
  author: string | null,
): { event: MlgymEvent } | { conflict: NoteRevision | null } {
  if (edit.experiment_id !== null && !view.experiments.has(edit.experiment_id)) {
    throw MlgymError.fromIssue({
      code: 'NOT_FOUND',
      problem: `grid search ${gridSearchId} has no experiment ${edit.experiment_id}`,
      expected: view.experiments.size ? `one of ${describeIds(view.experiments)}` : 'an experiment of the grid search',
    });
  }
  const current = view.fold.target(edit.experiment_id).note;
  if (edit.note !== undefined && (edit.note_base ?? null) !== (current?.event_id ?? null)) return { conflict: current };
  const now = Date.now();
  const payload: AnnotationPayload = {
    grid_search_id: gridSearchId,
    experiment_id: edit.experiment_id,
    ...(edit.add_tags?.length ? { add_tags: edit.add_tags } : {}),
    ...(edit.remove_tags?.length ? { remove_tags: edit.remove_tags } : {}),
    ...(edit.note !== undefined ? { note: edit.note, note_base: edit.note_base ?? null } : {}),
    author,
    source: edit.source ?? 'board',
    time: now / 1000,
  };
  return { event: { event_type: 'annotation', creation_ts: Math.round(now * 1000), payload } };
}

/** The words of a refused note, for a 409 answer and the CLI. */
export function conflictMessage(current: NoteRevision | null): string {
  const who = current?.author ? ` by ${current.author}` : '';
  return `the note was changed${who} since this edit began; nothing was stored (merge with the current note and save again)`;
}
