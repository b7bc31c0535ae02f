import { dirname, relative, resolve } from 'node:path';
// Planning only: a dry run loads no TensorFlow.js; the training side (`@mlgym/core`) is imported to run.
import {
  createDefaultRegistry,
  loadPlugins,
  loadRunConfig,
  planExperimentStream,
  planExperiments,
  searchPlanOf,
} from '@mlgym/core/planning';
import type { ComponentRegistry, JobResult, LoadedRunConfig } from '@mlgym/core';
import { BackendSchema, MlgymError, isAdaptiveSearch } from '@mlgym/protocol';
import type { Backend } from '@mlgym/protocol';
import { ProgressView } from '../progress/progressView.js';
import { planJsonLines, planTableLines, viewOf } from './dryRun.js';
import { formatSearchPlan, formatSearchSummary } from './searchTable.js';

export interface RunCommandOptions {
  configPath?: string | undefined;
  /** `--resume <id>`: continue a stored run; the options below refine it. */
  resume?: string | undefined;
  numEpochs?: string | undefined;
  numBatchesPerEpoch?: string | undefined;
  allowChangedBatches?: boolean | undefined;
  eventStoragePath?: string | undefined;
  restEndpoint?: string | undefined;
  dryRun: boolean;
  json: boolean;
  backend?: string | undefined;
  registry?: ComponentRegistry | undefined;
  /** The worker script (dist/worker.js) that multiprocessing runs start. */
  workerEntry?: string | undefined;
}

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether progress may be redrawn in place (stderr is a terminal). */
  tty?: boolean;
  /**
   * Resolves once `out`'s destination has taken what it was given (undefined: nothing waits). A long
   * output waits here, so that a slow reader of a pipe does not make it pile up in memory.
   */
  drained?: () => Promise<void> | undefined;
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

const badFlag = (flag: string, problem: string, expected?: string) =>
  MlgymError.fromIssue({ code: 'BAD_REQUEST', keyPath: flag, problem, expected });

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw badFlag(flag, `not a positive integer: "${value}"`, 'a whole number ≥ 1');
  return n;
}

/** Which run to do: a config file, or `--resume <id>` (a warm start composed from the stored run). */
async function chooseRun(options: RunCommandOptions): Promise<{ run: LoadedRunConfig; storeLabel?: string }> {
  const resumeOnly = (
    [
      ['--num_epochs', options.numEpochs],
      ['--num_batches_per_epoch', options.numBatchesPerEpoch],
      ['--allow_changed_batches', options.allowChangedBatches],
      ['--event_storage_path', options.eventStoragePath],
      ['--rest_endpoint', options.restEndpoint],
    ] as const
  ).find(([, v]) => v !== undefined);
  if (options.resume === undefined) {
    if (options.configPath === undefined)
      throw badFlag('--config_path', 'missing', '--config_path <run_config.yml> or --resume <gridsearch_id>');
    if (resumeOnly)
      throw badFlag(resumeOnly[0], 'only applies to --resume <gridsearch_id>', 'it in a warmstart config');
    return { run: loadRunConfig(options.configPath) };
  }
  if (options.configPath !== undefined) throw badFlag('--resume', 'takes no --config_path (it reads the stored run)');
  if (options.dryRun) throw badFlag('--dry-run', 'plans train runs; --resume continues stored experiments');
  const { resumeRunConfig } = await import('@mlgym/core');
  return resumeRunConfig({
    gridSearchId: options.resume,
    eventStoragePath: options.eventStoragePath,
    restEndpoint: options.restEndpoint,
    authToken: process.env['ML_BOARD_AUTH_TOKEN'],
  });
}

/** The one-line way to continue a run, as the closing message of an interrupted or failed run prints it. */
export function resumeCommand(run: LoadedRunConfig, gridSearchId: string): string {
  const endpoint = run.config.logging?.gs_rest_api_endpoint;
  const where = endpoint
    ? ` --rest_endpoint ${endpoint}`
    : run.eventStoragePath === resolve('event_storage')
      ? ''
      : ` --event_storage_path ${relative('.', run.eventStoragePath).startsWith('..') ? run.eventStoragePath : relative('.', run.eventStoragePath) || '.'}`;
  return `mlgym run --resume ${gridSearchId}${where}`;
}

/**
 * Writes lines in batches of about 64 KB (one write per line made 100,000 writes), each once the
 * reader took the last.
 */
async function writeLines(io: Output, lines: Iterable<string>): Promise<void> {
  let batch: string[] = [];
  let size = 0;
  for (const line of lines) {
    batch.push(line);
    size += line.length + 1;
    if (size >= 65_536) {
      io.out(batch.join('\n'));
      batch = [];
      size = 0;
      await io.drained?.();
    }
  }
  if (batch.length) io.out(batch.join('\n'));
}

/** `mlgym run`: validate everything first; with --dry-run print the experiment list, otherwise run it. */
export async function runCommand(options: RunCommandOptions, io: Output): Promise<number> {
  const numEpochs = positiveInt('--num_epochs', options.numEpochs);
  const numBatchesPerEpoch = positiveInt('--num_batches_per_epoch', options.numBatchesPerEpoch);
  const { run, storeLabel } = await chooseRun(options);
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
    const rc = run.config.run_configuration.config;
    if (isAdaptiveSearch(rc.search)) {
      // an adaptive search plans its trials from the whole list
      const plan = await planExperiments(run, { registry });
      for (const line of [...run.notices, ...plan.notices]) io.err(`mlgym: ${line}`);
      const search = searchPlanOf(plan, rc);
      const lines = options.json ? planJsonLines(viewOf(plan)) : planTableLines(viewOf(plan));
      await writeLines(io, lines);
      if (search && !options.json) io.out(`\n${formatSearchPlan(search)}`);
      return 0;
    }
    // Checked first (every problem is reported before anything is printed), then written as it is made:
    // 100,000 experiments never sit in memory at once.
    const stream = await planExperimentStream(run, { registry });
    stream.check();
    for (const line of [...run.notices, ...stream.notices]) io.err(`mlgym: ${line}`);
    await writeLines(io, options.json ? planJsonLines(stream) : planTableLines(stream));
    return 0;
  }
  const { formatNestedCvReport, nestedCvReport, runFromRunConfig } = await import('@mlgym/core');
  const abort = new AbortController();
  const onSigint = () => {
    io.err('mlgym: interrupted; stopping workers (checkpoints stay intact: a warm start continues)');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  const worker = options.workerEntry ? { module: options.workerEntry, args: [] } : undefined;
  const progress = new ProgressView((text) => io.err(text), io.tty ?? false);
  const summary = await runFromRunConfig(run, {
    registry: options.registry,
    backend,
    warmStart: { numEpochs, numBatchesPerEpoch, allowChangedBatches: options.allowChangedBatches },
    storeLabel,
    worker,
    signal: abort.signal,
    authToken: process.env['ML_BOARD_AUTH_TOKEN'],
    notice: (line) => io.err(`mlgym: ${line}`),
    observe: (event) => progress.observe(event),
    // On a terminal the progress view shows what the log lines would say.
    log: (line) => (io.tty ? undefined : io.err(`mlgym: ${line}`)),
  }).finally(() => {
    progress.finish();
    process.off('SIGINT', onSigint);
  });
  io.out(`\ngrid search ${summary.gridSearchId}`);
  if (summary.search) io.out(formatSearchSummary(summary.search));
  else io.out(`${'exp'.padStart(4)}  status   epochs  ${'time'.padStart(7)}  last scores`);
  for (const r of summary.search ? [] : summary.results) {
    io.out(
      `${String(r.experimentId).padStart(4)}  ${r.status.padEnd(7)}  ${String(r.lastEpoch + 1).padStart(6)}  ${r.seconds.toFixed(1).padStart(6)}s  ${r.status === 'failed' ? `error: ${r.error ?? ''}` : `${scores(r)}${r.stoppedEarly ? ' (stopped early)' : ''}`}`,
    );
  }
  if (summary.plan?.mode === 'NESTED_CROSS_VALIDATION')
    io.out(`\n${formatNestedCvReport(nestedCvReport(summary.plan, summary.results))}`);
  const failed =
    summary.results.some((r) => r.status === 'failed') || summary.search?.trials.some((t) => t.status === 'failed');
  const interrupted = summary.results.some((r) => r.status === 'interrupted') || summary.search?.interrupted;
  if (abort.signal.aborted || failed || interrupted) {
    io.out(`\nto continue where it stopped: ${resumeCommand(run, summary.gridSearchId)}`);
  }
  if (abort.signal.aborted) return 130;
  return failed || interrupted ? 1 : 0;
}
