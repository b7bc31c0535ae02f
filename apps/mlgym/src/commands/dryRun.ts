import type { ExperimentPlan } from '@mlgym/core';

/** Writes the plan as one JSON array of `{experiment_id, config_hash, config}`. */
export function formatPlanJson(plan: ExperimentPlan): string {
  return JSON.stringify(
    plan.experiments.map(({ experiment_id, config_hash, config }) => ({ experiment_id, config_hash, config })),
  );
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** A readable table: id, config hash, fold ids (CV) and swept values. */
export function formatPlanTable(plan: ExperimentPlan): string {
  const lines: string[] = [];
  const folds = plan.mode === 'GRID_SEARCH' ? '' : `, ${plan.experiments.length / plan.gridSize} fold splits`;
  lines.push(`run config:  ${plan.run.source.file}`);
  lines.push(`gs config:   ${plan.gs.source.file}`);
  if (plan.validation) lines.push(`validation:  ${plan.validation.source.file}`);
  lines.push(`mode:        ${plan.mode} — ${plan.experiments.length} experiments (grid of ${plan.gridSize}${folds})`);
  lines.push('');
  const idWidth = Math.max(2, String(plan.experiments.length - 1).length);
  lines.push(
    `${'id'.padStart(idWidth)}  config hash   ${plan.mode === 'GRID_SEARCH' ? '' : 'fold'.padEnd(38)}swept values`,
  );
  for (const e of plan.experiments) {
    const fold = e.fold
      ? Object.entries(e.fold)
          .map(([k, v]) => `${k.replace(/^id_/, '').replace(/_id$/, '')}=${v}`)
          .join(' ')
          .padEnd(36) + '  '
      : '';
    const swept = Object.entries(e.swept)
      .map(([k, v]) => `${k}=${short(v)}`)
      .join('  ');
    lines.push(
      `${String(e.experiment_id).padStart(idWidth)}  ${e.config_hash.slice(0, 12)}  ${fold}${swept || '(no sweeps)'}`,
    );
  }
  return lines.join('\n');
}
