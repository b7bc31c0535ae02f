import type { Mode } from './searchTypes.js';

/** A finished or stopped trial as a searcher learns from it: how far it got and what it scored there. */
export interface Observation {
  trialId: number;
  params: Record<string, unknown>;
  /** The highest rung with a score. */
  rung: number;
  score: number;
}

/** Where new trials come from: a list drawn from the planned configurations, or a searcher that proposes them. */
export interface TrialSource {
  /** Most trials it starts. */
  readonly size: number;
  next(
    observations: readonly Observation[],
    mode: Mode,
  ): { trialId: number; params?: Record<string, unknown> } | undefined;
  /** A resumed search's recorded start. */
  restore(trialId: number, params?: Record<string, unknown>): void;
}

/** Trials in a fixed order (the planned configurations, shuffled by the search's seed). */
export class PoolSource implements TrialSource {
  private readonly started = new Set<number>();
  constructor(private readonly order: readonly number[]) {}

  get size(): number {
    return this.order.length;
  }

  next(): { trialId: number } | undefined {
    const trialId = this.order.find((t) => !this.started.has(t));
    if (trialId === undefined) return undefined;
    this.started.add(trialId);
    return { trialId };
  }

  restore(trialId: number): void {
    this.started.add(trialId);
  }
}
