import type { MlgymEvent } from '@mlgym/protocol';

/**
 * Where a run's events go. `emit` never blocks and never throws: training must not stall or die
 * because logging is slow or down.
 */
export interface EventSink {
  emit(event: MlgymEvent): void;
  /** Resolves when everything emitted so far is stored (or `timeoutMs` passed: resolves false). */
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<void>;
}

/** Keeps events in memory; for tests and dry runs. */
export class MemoryEventSink implements EventSink {
  readonly events: MlgymEvent[] = [];
  emit(event: MlgymEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

/** `creation_ts` as the original sends it: integer microseconds since the epoch. */
export function creationTs(now = Date.now()): number {
  return Math.round(now * 1000);
}
