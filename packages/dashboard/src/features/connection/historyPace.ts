/** Lines of a history stream received so far, of those its endpoint announced (0: none announced). */
export interface HistoryProgress {
  received: number;
  announced: number;
}

/**
 * How long the rest of a history stream should take at the pace its first part came: `elapsedMs`
 * for `received` lines, `announced` in all. Infinity while nothing tells (no count, no line yet).
 */
export function historyLeftMs(elapsedMs: number, { received, announced }: HistoryProgress): number {
  if (received <= 0 || announced <= 0) return Infinity;
  return (elapsedMs * Math.max(0, announced - received)) / received;
}
