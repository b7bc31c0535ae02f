import { MlgymError } from '@mlgym/protocol';
import { Rng } from '../util/rng.js';

/** Ordered `new_split → ratio` entries of one source split. */
export type SplitRatios = ReadonlyArray<readonly [string, number]>;

function checkRatios(ratios: SplitRatios): void {
  if (ratios.length === 0) {
    throw MlgymError.fromIssue({ code: 'CONFIG_INVALID', problem: 'a split config needs at least one new split' });
  }
  for (const [name, ratio] of ratios) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: name,
        problem: 'split ratio out of range',
        found: String(ratio),
        expected: 'a number in [0, 1]',
      });
    }
  }
}

/**
 * Random split as in the original: shuffle `0..n-1` with the seed, give each new split
 * `floor(ratio·n)` consecutive indices in config order, and the last split every remaining index.
 */
export function randomSplitIndices(n: number, ratios: SplitRatios, seed: number): Map<string, number[]> {
  checkRatios(ratios);
  const order = new Rng(seed).permutation(n);
  const out = new Map<string, number[]>();
  let start = 0;
  ratios.forEach(([name, ratio], i) => {
    const end = i === ratios.length - 1 ? n : Math.min(n, start + Math.floor(ratio * n));
    out.set(name, order.slice(start, end));
    start = end;
  });
  return out;
}

/**
 * Stratified split: every split but the last receives `floor(ratio·n)` indices drawn so that each
 * class keeps its share (largest-remainder allocation, random members per class); the last split
 * receives the rest.
 */
export function stratifiedSplitIndices(
  targets: readonly unknown[],
  ratios: SplitRatios,
  seed: number,
): Map<string, number[]> {
  checkRatios(ratios);
  const n = targets.length;
  const rng = new Rng(seed);
  const remaining = new Set<number>(rng.permutation(n));
  const out = new Map<string, number[]>();
  ratios.forEach(([name, ratio], i) => {
    if (i === ratios.length - 1) {
      out.set(name, [...remaining]);
      return;
    }
    const size = Math.min(remaining.size, Math.floor(ratio * n));
    const byClass = groupByClass([...remaining], targets);
    const quotas = allocate(
      byClass.map((members) => members.length),
      size,
    );
    const chosen: number[] = [];
    byClass.forEach((members, c) => {
      for (const idx of members.slice(0, quotas[c])) chosen.push(idx);
    });
    rng.shuffle(chosen);
    for (const idx of chosen) remaining.delete(idx);
    out.set(name, chosen);
  });
  return out;
}

function groupByClass(indices: readonly number[], targets: readonly unknown[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const idx of indices) {
    const key = JSON.stringify(targets[idx]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(idx);
  }
  return [...groups.values()];
}

/** Splits `total` over buckets proportionally to `sizes`, by largest remainder. */
function allocate(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum === 0) return sizes.map(() => 0);
  const exact = sizes.map((s) => (s * total) / sum);
  const quotas = exact.map(Math.floor);
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if ((quotas[i] as number) < (sizes[i] as number)) {
      quotas[i] = (quotas[i] as number) + 1;
      left--;
    }
  }
  return quotas;
}
