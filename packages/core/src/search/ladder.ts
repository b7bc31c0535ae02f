/**
 * Rung epochs anchored at the maximum: `max / η^k, …, max / η, max` (rounded, at least `min`), with
 * k = ⌊log_η(max / min)⌋, so successive halving, ASHA and Hyperband's most aggressive bracket share their rungs
 * (min 1, max 9, η 3: 1, 3, 9).
 */
export function rungEpochs(minEpochs: number, maxEpochs: number, eta: number): number[] {
  if (minEpochs >= maxEpochs) return [maxEpochs];
  const k = Math.floor(Math.log(maxEpochs / minEpochs) / Math.log(eta) + 1e-9);
  return ladderDown(maxEpochs, eta, k, minEpochs);
}

function ladderDown(maxEpochs: number, eta: number, k: number, minEpochs: number): number[] {
  const out: number[] = [];
  for (let i = k; i >= 0; i--) {
    const epochs = Math.max(minEpochs, Math.round(maxEpochs / eta ** i));
    if (out.length === 0 || epochs > (out[out.length - 1] as number)) out.push(epochs);
  }
  return out;
}

export interface HyperbandBracket {
  /** s: the bracket's number of halvings; the most aggressive has s = s_max. */
  s: number;
  /** Configurations it starts. */
  trials: number;
  rungs: number[];
}

/**
 * Hyperband's brackets (Li et al., JMLR 2018), most aggressive first: with s_max = ⌊log_η(max/min)⌋ and
 * B = (s_max + 1)·max, bracket s starts n = ⌈B/max · η^s/(s+1)⌉ configurations at max·η^-s epochs and keeps
 * the best 1/η at each of its s rungs.
 */
export function hyperbandBrackets(minEpochs: number, maxEpochs: number, eta: number): HyperbandBracket[] {
  const sMax = minEpochs >= maxEpochs ? 0 : Math.floor(Math.log(maxEpochs / minEpochs) / Math.log(eta) + 1e-9);
  const brackets: HyperbandBracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const trials = Math.ceil(((sMax + 1) / (s + 1)) * eta ** s - 1e-9);
    brackets.push({ s, trials, rungs: ladderDown(maxEpochs, eta, s, minEpochs) });
  }
  return brackets;
}

/** Trials reaching each rung when `n` start and the best ⌊n/η⌋ (at least one) go on at each. */
export function halvingSizes(n: number, rungs: number, eta: number): number[] {
  const sizes = [n];
  for (let i = 1; i < rungs; i++) sizes.push(n === 0 ? 0 : Math.max(1, Math.floor((sizes[i - 1] as number) / eta)));
  return sizes;
}

/** Epochs trained when `sizes[i]` trials reach rung i of `rungs` (each continuing from its checkpoint). */
export function ladderBudget(rungs: readonly number[], sizes: readonly number[]): number {
  let total = 0;
  rungs.forEach((epochs, i) => (total += (sizes[i] ?? 0) * (epochs - (i === 0 ? 0 : (rungs[i - 1] as number)))));
  return total;
}
