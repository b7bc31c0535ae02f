/**
 * The original's legend: with all lines shown, a click shows only that line; clicking a hidden line
 * adds it; clicking a shown line hides it while others remain; clicking the last shown line shows all.
 * Returns the new set of hidden experiment ids.
 */
export function legendClick(hidden: ReadonlySet<number>, all: readonly number[], clicked: number): Set<number> {
  const shown = all.filter((id) => !hidden.has(id));
  if (hidden.size === 0 || shown.length === 0) return new Set(all.filter((id) => id !== clicked));
  if (hidden.has(clicked)) {
    const next = new Set(hidden);
    next.delete(clicked);
    return next;
  }
  if (shown.length === 1) return new Set();
  return new Set([...hidden, clicked]);
}
