import type { EventLog } from '@mlgym/event-store';
import { AnnotationPayloadSchema, createAnnotationFold } from '@mlgym/protocol';
import type { AnnotationFold } from '@mlgym/protocol';

/** What the endpoint knows of one grid search's log, read up to `next`: its annotations and its experiments. */
interface Known {
  fold: AnnotationFold;
  experiments: Set<number>;
  next: number;
  /** Edits of one grid search run one after another: a note's check and its append cannot interleave. */
  queue: Promise<unknown>;
}

export interface AnnotationView {
  readonly fold: AnnotationFold;
  readonly experiments: ReadonlySet<number>;
}

/**
 * The annotations and experiment ids of each grid search that was annotated through this endpoint, read from its
 * log on the first edit and caught up before each one (only the lines that can hold them are parsed: a log is
 * mostly progress events). It lets the endpoint refuse a note written over one its author had not seen.
 */
export class AnnotationIndex {
  private readonly known = new Map<string, Known>();

  /** Runs `edit` alone for the grid search, with the index caught up with everything stored before it. */
  exclusive<T>(gridSearchId: string, log: EventLog, edit: (view: AnnotationView) => Promise<T>): Promise<T> {
    let k = this.known.get(gridSearchId);
    if (!k) {
      k = { fold: createAnnotationFold(), experiments: new Set(), next: 0, queue: Promise.resolve() };
      this.known.set(gridSearchId, k);
    }
    const known = k;
    const run = known.queue.then(async () => {
      await catchUp(known, log);
      try {
        return await edit(known);
      } finally {
        // what the edit appended (and whatever came meanwhile) is read before the next edit
        await catchUp(known, log).catch(() => undefined);
      }
    });
    known.queue = run.catch(() => undefined);
    return run;
  }
}

async function catchUp(known: Known, log: EventLog): Promise<void> {
  const to = log.length;
  if (known.next >= to) return;
  for await (const chunk of log.readRaw(known.next, to)) {
    const lines = chunk.bytes.toString('utf8').split('\n');
    for (let i = 0; i < chunk.count; i++) {
      const line = lines[i] as string;
      const annotation = line.includes('"annotation"');
      if (!annotation && !line.includes('"experiment_config"')) continue;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        continue; // a foreign line holds nothing to know
      }
      if (typeof event !== 'object' || event === null) continue;
      const { event_type: type, payload } = event as { event_type?: unknown; payload?: unknown };
      if (type === 'annotation') {
        const parsed = AnnotationPayloadSchema.safeParse(payload);
        if (parsed.success) known.fold.apply(chunk.firstId + i, parsed.data);
      } else if (type === 'experiment_config') {
        const id = (payload as { experiment_id?: unknown } | undefined)?.experiment_id;
        if (typeof id === 'number' && Number.isSafeInteger(id)) known.experiments.add(id);
      }
    }
  }
  known.next = to;
}
