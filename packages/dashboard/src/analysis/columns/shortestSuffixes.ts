/**
 * The segments a person reads in a config path: mlgym's component graph nests every component's
 * settings under `config` (`optimizer.config.params.lr`), a level that says nothing.
 */
export function readableSegments(path: string): string[] {
  const segments = path.split('.');
  const kept = segments.filter((s) => s !== 'config');
  return kept.length ? kept : segments;
}

/**
 * For each dotted config path, the shortest run of its last segments (the `config` levels left out)
 * that no other path ends with: `batch_size`, `lr`, or `optimizer.params.lr` beside
 * `scheduler.params.lr`. A path that is itself the end of another (`lr` beside `optimizer.lr`) keeps
 * all its readable segments. Paths whose readable segments coincide (`a.config.b` and `a.b`) keep their
 * full paths. The filter expressions accept every label made here (see keyIndex.ts).
 */
export function shortestSuffixes(paths: readonly string[]): Map<string, string> {
  const readable = new Map<string, string[]>();
  const byReadable = new Map<string, number>();
  for (const p of paths) {
    const segs = readableSegments(p);
    readable.set(p, segs);
    const joined = segs.join('.');
    byReadable.set(joined, (byReadable.get(joined) ?? 0) + 1);
  }
  for (const p of paths) {
    const segs = readable.get(p) as string[];
    if ((byReadable.get(segs.join('.')) ?? 0) > 1) readable.set(p, p.split('.'));
  }
  // how many paths end with each run of segments
  const endings = new Map<string, number>();
  for (const segs of readable.values())
    for (let k = 1; k <= segs.length; k++) {
      const ending = segs.slice(-k).join('.');
      endings.set(ending, (endings.get(ending) ?? 0) + 1);
    }
  const out = new Map<string, string>();
  for (const [p, segs] of readable) {
    let label = segs.join('.');
    for (let k = 1; k < segs.length; k++) {
      const ending = segs.slice(-k).join('.');
      if (endings.get(ending) === 1) {
        label = ending;
        break;
      }
    }
    out.set(p, label);
  }
  return out;
}
