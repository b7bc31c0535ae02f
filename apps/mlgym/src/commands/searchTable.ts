import type { SearchPlanSummary, SearchSummary, SearchTrialSummary } from '@mlgym/core';

const score = (x: number | undefined) => (x === undefined ? '–' : Number.isNaN(x) ? 'NaN' : x.toFixed(4));
const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–');

function short(value: unknown): string {
  const text = typeof value === 'number' ? String(Number(value.toPrecision(4))) : JSON.stringify(value);
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

const swept = (t: SearchTrialSummary) =>
  Object.entries(t.swept)
    .map(([k, v]) => `${k.split('.').at(-1)}=${short(v)}`)
    .join('  ');

/** Where a trial ended, as the table and MLboard say it: `stopped at epoch 3 (rung 1: 0.8100 < cut-off 0.8600)`. */
export function trialStatus(t: SearchTrialSummary, mode: 'max' | 'min'): string {
  const d = t.last;
  switch (t.status) {
    case 'stopped':
      return `stopped at epoch ${t.epoch} (rung ${d?.rung ?? t.rung}: ${d?.reason ?? `${score(d?.score)} ${mode === 'max' ? '<' : '>'} cut-off ${score(d?.cutoff)}`})`;
    case 'completed':
      return d?.reason ? `completed at epoch ${t.epoch} (${d.reason})` : `completed (${t.epoch} epochs)`;
    case 'failed':
      return `failed at epoch ${t.epoch}: ${d?.reason ?? ''}`;
    case 'interrupted':
      return `interrupted after ${t.epoch} epochs`;
    default:
      return `${t.status} (epoch ${t.epoch})`;
  }
}

const RANK: Record<string, number> = {
  completed: 0,
  running: 1,
  pending: 1,
  waiting: 1,
  interrupted: 1,
  stopped: 2,
  failed: 3,
};

/**
 * The closing table of an adaptive search: every trial best first (furthest, then by score), where each stopped
 * one stopped, the best configuration and the epochs spent against the full grid.
 */
export function formatSearchSummary(s: SearchSummary): string {
  const better = (a?: number, b?: number) =>
    a === undefined || Number.isNaN(a) ? 1 : b === undefined || Number.isNaN(b) ? -1 : s.mode === 'max' ? b - a : a - b;
  const trials = [...s.trials].sort(
    (a, b) =>
      (RANK[a.status] ?? 1) - (RANK[b.status] ?? 1) ||
      b.epoch - a.epoch ||
      better(a.score, b.score) ||
      a.trialId - b.trialId,
  );
  const statuses = trials.map((t) => trialStatus(t, s.mode));
  const width = Math.max(6, ...statuses.map((x) => x.length));
  const lines = [
    `${s.algorithm} on ${s.metric} (${s.mode}): ${s.trials.length} trials, up to ${s.maxEpochs} epochs${s.folds > 1 ? `, ${s.folds} folds each (scores are fold means)` : ''}`,
    `trial  experiments  ${'status'.padEnd(width)}  ${'score'.padStart(7)}  swept values`,
  ];
  trials.forEach((t, i) => {
    lines.push(
      `${String(t.trialId).padStart(5)}  ${t.experimentIds.join(',').padEnd(11)}  ${(statuses[i] as string).padEnd(width)}  ${score(t.score).padStart(7)}  ${swept(t)}`,
    );
  });
  lines.push('');
  if (s.best)
    lines.push(
      `best: trial ${s.best.trialId} (experiment${s.best.experimentIds.length > 1 ? 's' : ''} ${s.best.experimentIds.join(', ')}): ${s.metric} ${score(s.best.score)} after ${s.best.epoch} epochs  ${swept(s.best)}`,
    );
  const stopped = s.trials.filter((t) => t.status === 'stopped').length;
  lines.push(
    `budget: ${s.epochsTrained} epochs trained of ${s.gridEpochs} for the full grid (${percent(s.epochsTrained, s.gridEpochs)}); ${stopped} trials stopped early; ${s.decisionsTaken} decisions taken${s.decisionsReplayed ? `, ${s.decisionsReplayed} replayed from the record` : ''}`,
  );
  return lines.join('\n');
}

/** `mlgym run --dry-run` for an adaptive search: brackets, rungs, trials per rung and the epoch budget. */
export function formatSearchPlan(p: SearchPlanSummary): string {
  const { spec } = p;
  const knobs = [
    spec.algorithm !== 'median_stopping' && (spec.algorithm !== 'tpe' || spec.pruner === 'asha')
      ? `reduction_factor ${spec.reduction_factor ?? 3}`
      : undefined,
    `min_epochs ${Math.min(p.maxEpochs, spec.min_epochs ?? 1)}`,
    spec.algorithm === 'asha' && spec.deterministic ? 'deterministic' : undefined,
    spec.algorithm === 'tpe' ? `pruner ${spec.pruner ?? 'none'}` : undefined,
    `seed ${p.seed}`,
  ].filter(Boolean);
  const lines = [
    `search:      ${spec.algorithm} on ${spec.metric} (${spec.mode}), ${knobs.join(', ')}`,
    `trials:      ${p.plan.numTrials}${spec.algorithm === 'tpe' ? ' proposed by TPE' : ` of ${p.candidates} configurations`}${p.folds > 1 ? `, ${p.folds} folds each` : ''}, up to ${p.maxEpochs} epochs`,
  ];
  for (const b of p.plan.brackets) {
    const rungs = b.rungs.map((r) => `${r.trials === null ? '?' : r.trials} × ${r.epochs} ep`).join('  →  ');
    lines.push(
      `${p.plan.brackets.length > 1 ? `bracket ${b.bracket}:` : 'rungs:'}${' '.repeat(p.plan.brackets.length > 1 ? 3 : 7)}${rungs}`,
    );
  }
  const budget =
    p.budgetEpochs !== null
      ? `at most ${p.budgetEpochs} epochs`
      : p.estimateEpochs !== undefined
        ? `about ${p.estimateEpochs} epochs (decided by the scores as they come)`
        : 'decided by the scores as they come';
  lines.push(
    `budget:      ${budget}, against ${p.gridEpochs} for the full grid${p.budgetEpochs !== null ? ` (${percent(p.budgetEpochs, p.gridEpochs)})` : ''}`,
  );
  return lines.join('\n');
}
