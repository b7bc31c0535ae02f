import { ORIGINAL_EVENT_TYPES } from '@mlgym/protocol';

const ORIGINAL_TYPES = new Set<unknown>(ORIGINAL_EVENT_TYPES);

/** Whether a stored event is of one of the original's four types (the only ones the original MLboard reads). */
export function isOriginal(event: { data: unknown }): boolean {
  const data = event.data;
  return typeof data === 'object' && data !== null && ORIGINAL_TYPES.has((data as { event_type?: unknown }).event_type);
}
