import { catchUpAnnotations, createAnnotationView } from '@mlgym/event-store';
import type { AnnotationView, EventLog } from '@mlgym/event-store';

/**
 * The annotations and experiment ids of each grid search annotated through this endpoint, read from its log on the
 * first edit and caught up before each one, so the endpoint can refuse a note written over one its writer had not
 * seen. Edits of one grid search run one after another: a note's check and its append cannot interleave.
 */
export class AnnotationIndex {
  private readonly known = new Map<string, { view: AnnotationView; queue: Promise<unknown> }>();

  /** Runs `edit` alone for the grid search, with the view caught up with everything stored before it. */
  exclusive<T>(gridSearchId: string, log: EventLog, edit: (view: AnnotationView) => Promise<T>): Promise<T> {
    let known = this.known.get(gridSearchId);
    if (!known) this.known.set(gridSearchId, (known = { view: createAnnotationView(), queue: Promise.resolve() }));
    const { view } = known;
    const run = known.queue.then(async () => {
      await catchUpAnnotations(view, log);
      try {
        return await edit(view);
      } finally {
        // what the edit appended (and whatever came meanwhile) is read before anyone looks again
        await catchUpAnnotations(view, log).catch(() => undefined);
      }
    });
    known.queue = run.catch(() => undefined);
    return run;
  }
}
