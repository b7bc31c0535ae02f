import { dirname } from 'node:path';
import {
  createDefaultRegistry,
  formatNestedCvReport,
  loadPlugins,
  loadRunConfig,
  nestedCvReport,
  planExperiments,
  runFromRunConfig,
} from '@mlgym/core';
import type { ComponentRegistry, JobResult } from '@mlgym/core';
import { BackendSchema, MlgymError } from '@mlgym/protocol';
import type { Backend } from '@mlgym/protocol';
import { ProgressView } from '../progress/progressView.js';
import { formatPlanJson, formatPlanTable } from './dryRun.js';

export interface RunCommandOptions {
  configPath: string;
  dryRun: boolean;
  json: boolean;
  backend?: string | undefined;
  registry?: ComponentRegistry | undefined;
  /** The CLI script, started with `_worker` for multiprocessing runs. */
  workerEntry?: string | undefined;
}

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether progress may be redrawn in place (stderr is a terminal). */
  tty?: boolean;
}

function scores(result: JobResult): string {
  const split =
    result.final?.find((r) => r.split === 'val') ?? result.final?.find((r) => r.split === 'test') ?? result.final?.[0];
  if (!split) return '';
  const entries = [...Object.entries(split.metrics), ...Object.entries(split.losses)].filter(
    ([, v]) => typeof v === 'number',
  );
  return `${split.split}: ${entries.map(([k, v]) => `${k}=${(v as number).toFixed(4)}`).join(' ')}`;
}

/** `mlgym run`: validate everything first; with --dry-run print the experiment list, otherwise run it. */
export async function runCommand(options: RunCommandOptions, io: Output): Promise<number> {
  const run = loadRunConfig(options.configPath);
  const registry = options.registry ?? createDefaultRegistry();
  let backend: Backend | undefined;
  if (options.backend !== undefined) {
    const parsed = BackendSchema.safeParse(options.backend);
    if (!parsed.success)
      throw MlgymError.fromIssue({
        code: 'BAD_REQUEST',
        keyPath: '--backend',
        problem: `unknown backend "${options.backend}"`,
        expected: 'auto, tensorflow, wasm or cpu',
      });
    backend = parsed.data;
  }
  if (options.dryRun) {
    // A run loads plugins itself; a dry run needs them for validating the components they add.
    await loadPlugins(registry, run.config.run_configuration.config.plugins ?? [], dirname(run.source.file));
    if (run.config.run_configuration.type !== 'train') {
      throw new MlgymError({
        code: 'CONFIG_INVALID',
        message: `${run.source.file}: --dry-run plans train runs; a warm start resumes the stored experiments of ${run.config.run_configuration.config.gridsearch_id}`,
      });
    }
    const plan = await planExperiments(run, { registry });
    io.out(options.json ? formatPlanJson(plan) : formatPlanTable(plan));
    return 0;
  }
  const abort = new AbortController();
  const onSigint = () => {
    io.err('mlgym: interrupted; stopping workers (checkpoints stay intact: a warmstart run continues)');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  const worker = options.workerEntry ? { module: options.workerEntry, args: ['_worker'] } : undefined;
  const progress = new ProgressView((text) => io.err(text), io.tty ?? false);
  const summary = await runFromRunConfig(run, {
    registry: options.registry,
    backend,
    worker,
    signal: abort.signal,
    observe: (event) => progress.observe(event),
    // On a terminal the progress view shows what the log lines would say.
    log: (line) => (io.tty ? undefined : io.err(`mlgym: ${line}`)),
  }).finally(() => {
    progress.finish();
    process.off('SIGINT', onSigint);
  });
  io.out(`\ngrid search ${summary.gridSearchId}`);
  io.out(`${'exp'.padStart(4)}  status   epochs  ${'time'.padStart(7)}  last scores`);
  for (const r of summary.results) {
    io.out(
      `${String(r.experimentId).padStart(4)}  ${r.status.padEnd(7)}  ${String(r.lastEpoch + 1).padStart(6)}  ${r.seconds.toFixed(1).padStart(6)}s  ${r.status === 'failed' ? `error: ${r.error ?? ''}` : `${scores(r)}${r.stoppedEarly ? ' (stopped early)' : ''}`}`,
    );
  }
  if (summary.plan?.mode === 'NESTED_CROSS_VALIDATION')
    io.out(`\n${formatNestedCvReport(nestedCvReport(summary.plan, summary.results))}`);
  if (abort.signal.aborted) return 130;
  return summary.results.some((r) => r.status === 'failed') ? 1 : 0;
}
