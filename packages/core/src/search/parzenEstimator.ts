import type { Rng } from '../util/rng.js';

const EPS = 1e-12;

/** Weights of `n` observations in chronological order: equal below 25, older ones ramped down beyond. */
export function observationWeights(n: number): number[] {
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = n - 25;
  return [
    ...Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1))),
    ...Array.from({ length: 25 }, () => 1),
  ];
}

function normalised(weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / sum);
}

function pickKernel(weights: readonly number[], rng: Rng): number {
  let u = rng.nextFloat();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] as number;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** erfc with fractional error below 1.2e-7 (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function gaussian(rng: Rng): number {
  // Box–Muller; 1 - u keeps the logarithm finite.
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A mixture of normals truncated to [low, high], one per observation plus a wide prior at the middle, with
 * bandwidths from the distances to the neighbouring observations (Bergstra et al. 2011, as Optuna's univariate
 * estimator: neighbours' distance, clipped to [(high - low)/min(100, n + 2), high - low]).
 */
export class NumericParzen {
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly weights: number[];

  constructor(
    observations: readonly number[],
    private readonly low: number,
    private readonly high: number,
    priorWeight = 1,
  ) {
    const n = observations.length;
    const prior = 0.5 * (low + high);
    const withPrior = [...observations, prior];
    const order = withPrior.map((_, i) => i).sort((a, b) => (withPrior[a] as number) - (withPrior[b] as number));
    const sorted = [low, ...order.map((i) => withPrior[i] as number), high];
    const sortedSigmas = order.map((_, j) =>
      Math.max(
        (sorted[j + 1] as number) - (sorted[j] as number),
        (sorted[j + 2] as number) - (sorted[j + 1] as number),
      ),
    );
    if (sorted.length >= 4) {
      sortedSigmas[0] = (sorted[2] as number) - (sorted[1] as number);
      sortedSigmas[sortedSigmas.length - 1] =
        (sorted[sorted.length - 2] as number) - (sorted[sorted.length - 3] as number);
    }
    const sigmas = new Array<number>(withPrior.length);
    order.forEach((i, j) => (sigmas[i] = sortedSigmas[j] as number));
    const minSigma = (high - low) / Math.min(100, 1 + (n + 1));
    const maxSigma = high - low;
    this.mus = withPrior;
    this.sigmas = sigmas.slice(0, n).map((s) => Math.min(maxSigma, Math.max(minSigma, s)));
    this.sigmas.push(high - low);
    this.weights = normalised(n === 0 ? [1] : [...observationWeights(n), priorWeight]);
  }

  sample(rng: Rng): number {
    const k = pickKernel(this.weights, rng);
    const mu = this.mus[k] as number;
    const sigma = this.sigmas[k] as number;
    // Every mean lies in [low, high], so at least a sixth of each kernel's mass does: rejection ends quickly.
    for (let tries = 0; tries < 1000; tries++) {
      const x = mu + sigma * gaussian(rng);
      if (x >= this.low && x <= this.high) return x;
    }
    return Math.min(this.high, Math.max(this.low, mu));
  }

  logPdf(x: number): number {
    let p = 0;
    this.mus.forEach((mu, k) => {
      const sigma = this.sigmas[k] as number;
      const mass = normalCdf((this.high - mu) / sigma) - normalCdf((this.low - mu) / sigma);
      const z = (x - mu) / sigma;
      p +=
        ((this.weights[k] as number) * Math.exp(-0.5 * z * z)) / (sigma * Math.sqrt(2 * Math.PI) * Math.max(mass, EPS));
    });
    return Math.log(Math.max(p, EPS));
  }
}

/** Categorical Parzen estimator: each observation adds one to its choice over a smoothing prior (as Optuna). */
export class CategoricalParzen {
  private readonly probabilities: number[];

  constructor(observations: readonly number[], choices: number, priorWeight = 1) {
    const n = observations.length;
    const kernels = n + 1;
    const kernelWeights = normalised(n === 0 ? [1] : [...observationWeights(n), priorWeight]);
    const probabilities = new Array<number>(choices).fill(0);
    for (let k = 0; k < kernels; k++) {
      const row = new Array<number>(choices).fill(priorWeight / kernels);
      if (k < n) row[observations[k] as number] = (row[observations[k] as number] as number) + 1;
      const sum = row.reduce((a, b) => a + b, 0);
      row.forEach((v, c) => (probabilities[c] = (probabilities[c] as number) + ((kernelWeights[k] ?? 0) * v) / sum));
    }
    this.probabilities = probabilities;
  }

  sample(rng: Rng): number {
    return pickKernel(this.probabilities, rng);
  }

  logPdf(index: number): number {
    return Math.log(Math.max(this.probabilities[index] ?? 0, EPS));
  }
}
