import type { FetchedHistory } from './historyFetch';

/**
 * How long the rest of a history stream should take at the pace its first part came: `elapsedMs`
 * for `received` lines, `announced` in all. Infinity while nothing tells (no count, no line yet).
 */
export function historyLeftMs(elapsedMs: number, { received, announced }: FetchedHistory): number {
  if (received <= 0 || announced <= 0) return Infinity;
  return (elapsedMs * Math.max(0, announced - received)) / received;
}
