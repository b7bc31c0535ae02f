import { createAnnotationFold } from '@mlgym/protocol';
import type { AnnotationPayload, AnnotationTarget } from '@mlgym/protocol';
import type { AnnotationChange } from './dataUpdate';

const copy = (t: AnnotationTarget): AnnotationTarget => ({
  tags: [...t.tags],
  note: t.note && { ...t.note },
  replaced: t.replaced && { ...t.replaced },
});

/**
 * Annotation events, folded in log order by the protocol's own fold (the one the endpoint, the CLI and the report
 * use), kept across updates; an update carries each target it changed as it is now, so applying it is idempotent.
 */
export function createAnnotationFolding() {
  const fold = createAnnotationFold();
  let changed = new Set<number | null>();
  return {
    add(eventId: number, payload: AnnotationPayload): void {
      fold.apply(eventId, payload);
      changed.add(payload.experiment_id);
    },
    /** The targets changed since the last take (copies: the fold goes on changing its own). */
    take(): AnnotationChange[] | undefined {
      if (changed.size === 0) return undefined;
      const out = [...changed].map((experiment_id) => ({ experiment_id, target: copy(fold.target(experiment_id)) }));
      changed = new Set();
      return out;
    },
  };
}
