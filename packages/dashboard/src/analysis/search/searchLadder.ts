import type { SearchPlanPayload } from '@mlgym/protocol';
import type { SearchTrial, TrialRung } from './searchSlice';

/** One cell of the ladder: a trial at a rung. */
export type LadderCell =
  | { state: 'promoted' | 'stopped' | 'completed' | 'failed'; rung: TrialRung }
  | { state: 'running' }
  | { state: 'none' };

export interface LadderBracket {
  bracket: number;
  rungs: Array<{ rung: number; epochs: number | null; planned: number | null; reached: number }>;
  rows: Array<{ trial: SearchTrial; cells: LadderCell[] }>;
}

/**
 * The ladder of each bracket: rungs across, trials down (furthest first, then by their last score as the
 * search ranks it), each cell what happened to the trial at that rung.
 */
export function searchLadder(plan: SearchPlanPayload | null, trials: readonly SearchTrial[]): LadderBracket[] {
  const mode = plan?.mode ?? 'max';
  const brackets = new Map<number, SearchTrial[]>();
  for (const t of trials) brackets.set(t.bracket, [...(brackets.get(t.bracket) ?? []), t]);
  for (const b of plan?.brackets ?? []) if (!brackets.has(b.bracket)) brackets.set(b.bracket, []);
  return [...brackets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bracket, list]) => {
      const planned = plan?.brackets.find((b) => b.bracket === bracket)?.rungs ?? [];
      const count = Math.max(planned.length, ...list.map((t) => (t.rungs.at(-1)?.rung ?? 0) + 1));
      const reach = (t: SearchTrial) => (t.rungs.at(-1)?.rung ?? -1) + (t.status === 'running' ? 0.5 : 0);
      const last = (t: SearchTrial) => t.rungs.at(-1)?.score ?? null;
      const rows = [...list]
        .sort((a, b) => {
          if (reach(b) !== reach(a)) return reach(b) - reach(a);
          const [x, y] = [last(a), last(b)];
          if (x !== y) return x === null ? 1 : y === null ? -1 : mode === 'max' ? y - x : x - y;
          return a.trial_id - b.trial_id;
        })
        .map((trial) => ({
          trial,
          cells: Array.from({ length: count }, (_, r): LadderCell => {
            const at = trial.rungs.find((x) => x.rung === r);
            if (at) return { state: at.decision === 'started' ? 'running' : at.decision, rung: at } as LadderCell;
            const next = (trial.rungs.at(-1)?.rung ?? -1) + 1;
            return trial.status === 'running' && r === next ? { state: 'running' } : { state: 'none' };
          }),
        }));
      return {
        bracket,
        rungs: Array.from({ length: count }, (_, r) => ({
          rung: r,
          epochs: planned[r]?.epochs ?? null,
          planned: planned[r]?.trials ?? null,
          reached: rows.filter((row) => row.cells[r]?.state !== 'none').length,
        })),
        rows,
      };
    });
}

/** The rung each experiment reached, for colouring the sweep's lines (-1: its trial did not report one). */
export function rungReached(trials: readonly SearchTrial[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of trials) for (const id of t.experiment_ids) out.set(id, t.rungs.at(-1)?.rung ?? -1);
  return out;
}
