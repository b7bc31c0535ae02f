/** Levenshtein distance (one row kept), for "did you mean" on a typo. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/**
 * The known name nearest to `name` (case-insensitive), when it is close enough to be a typo of it: at
 * most a third of the name's letters apart (two for short names), as mlgym's config errors judge it.
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    // cheap bound first: lengths further apart than the limit cannot be near
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `Did you mean "x"?`, or undefined. */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const guess = nearestName(name, known);
  return guess === undefined ? undefined : `Did you mean "${guess}"?`;
}
