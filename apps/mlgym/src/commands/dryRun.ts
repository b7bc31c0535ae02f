import type { ExperimentPlan, PlannedExperiment, PlanStream } from '@mlgym/core';
import { createSharedJson } from './sharedJson.js';

/** What the dry run's formats read of a plan: its header fields and its experiments in id order. */
export type PlanView = Pick<PlanStream, 'run' | 'gs' | 'validation' | 'mode' | 'gridSize' | 'count'> & {
  experiments(): Iterable<PlannedExperiment>;
};

/** A whole plan as a view (the search dry run plans everything at once). */
export function viewOf(plan: ExperimentPlan): PlanView {
  return { ...plan, count: plan.experiments.length, experiments: () => plan.experiments };
}

/**
 * The plan as one JSON array of `{experiment_id, config_hash, config}`, written as it is made: `[`, one
 * experiment per line (each but the last followed by a comma), `]`. The whole output parses as one
 * array; each line between the brackets, without its comma, as one experiment.
 */
export function* planJsonLines(plan: PlanView): Iterable<string> {
  yield '[';
  let i = 0;
  // the configs share their unswept parts: each part's text is made once
  const json = createSharedJson();
  for (const { experiment_id, config_hash, config } of plan.experiments()) {
    i++;
    yield `{"experiment_id":${experiment_id},"config_hash":${JSON.stringify(config_hash)},"config":${json(config)}}${i < plan.count ? ',' : ''}`;
  }
  yield ']';
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** A readable table, a line at a time: id, config hash, fold ids (CV) and swept values. */
export function* planTableLines(plan: PlanView): Iterable<string> {
  const folds = plan.mode === 'GRID_SEARCH' ? '' : `, ${plan.count / plan.gridSize} fold splits`;
  yield `run config:  ${plan.run.source.file}`;
  yield `gs config:   ${plan.gs.source.file}`;
  if (plan.validation) yield `validation:  ${plan.validation.source.file}`;
  yield `mode:        ${plan.mode} — ${plan.count} experiments (grid of ${plan.gridSize}${folds})`;
  yield '';
  const idWidth = Math.max(2, String(plan.count - 1).length);
  yield `${'id'.padStart(idWidth)}  config hash   ${plan.mode === 'GRID_SEARCH' ? '' : 'fold'.padEnd(38)}swept values`;
  for (const e of plan.experiments()) {
    const fold = e.fold
      ? Object.entries(e.fold)
          .map(([k, v]) => `${k.replace(/^id_/, '').replace(/_id$/, '')}=${v}`)
          .join(' ')
          .padEnd(36) + '  '
      : '';
    const swept = Object.entries(e.swept)
      .map(([k, v]) => `${k}=${short(v)}`)
      .join('  ');
    yield `${String(e.experiment_id).padStart(idWidth)}  ${e.config_hash.slice(0, 12)}  ${fold}${swept || '(no sweeps)'}`;
  }
}

/** The table as one text (tests, the search dry run). */
export function formatPlanTable(plan: ExperimentPlan): string {
  return [...planTableLines(viewOf(plan))].join('\n');
}

/** The JSON array as one text. */
export function formatPlanJson(plan: ExperimentPlan): string {
  return [...planJsonLines(viewOf(plan))].join('\n');
}
