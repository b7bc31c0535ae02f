import { Command, CommanderError } from 'commander';
import type { Output, RunCommandOptions } from './commands/runCommand.js';

/**
 * The backends `--backend` accepts, for the help text only (runCommand validates against @mlgym/protocol's
 * BackendSchema; a test keeps the two equal). Listed here so `--help` loads neither zod nor tfjs.
 */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** The script a pool or distributed worker process runs (dist/worker.js): it loads only what a job needs. */
export interface MainOptions {
  workerEntry?: string | undefined;
}

/**
 * Exit codes: 0 ok, 1 unexpected failure, 2 invalid input (config, arguments), 3 not available.
 * Heavy modules (@mlgym/core and tfjs, zod) are imported inside the actions, so `--help` answers at once.
 */
export async function main(argv: readonly string[], io: Output, options: MainOptions = {}): Promise<number> {
  let code = 0;
  const program = new Command('mlgym')
    .description('Deep-learning experiments declared in YAML, trained on TensorFlow.js')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('run')
    .description('run the experiments of a run config (the original run.py), or continue a stored run')
    .option('--config_path, --config-path <path>', 'run_config.yml (train or warmstart)')
    .option('--resume <gridsearch_id>', 'continue an interrupted or finished run with its stored settings')
    .option('--num_epochs, --num-epochs <n>', 'with --resume: train up to this many epochs (raise to extend)')
    .option('--num_batches_per_epoch, --num-batches-per-epoch <n>', 'with --resume: needs --allow_changed_batches')
    .option(
      '--allow_changed_batches, --allow-changed-batches',
      'accept a continuation that differs from an uninterrupted run',
    )
    .option(
      '--event_storage_path, --event-storage-path <dir>',
      'with --resume: where the run is stored (default ./event_storage)',
    )
    .option('--rest_endpoint, --rest-endpoint <url>', 'with --resume: the ml_board_rest_endpoint holding the run')
    .option('--dry-run', 'load and validate everything, print the experiment list, train nothing', false)
    .option('--json', 'print the experiment list as one JSON array', false)
    .option('--backend <backend>', `compute backend (${BACKEND_NAMES.join(' | ')})`)
    .action(async (opts: RunCommandOptions) => {
      const { runCommand } = await import('./commands/runCommand.js');
      code = await runCommand({ ...opts, workerEntry: options.workerEntry }, io);
    });

  program
    .command('worker')
    .description('take experiments of distributed runs off a Redis (BullMQ) queue until stopped')
    .requiredOption('--redis_url, --redis-url <url>', 'e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'experiments at once, each in its own process', (v) => Number(v), 1)
    .option('--queue_name, --queue-name <name>', 'queue (environment.config.queue_name of the run)')
    .option('--lock_ms, --lock-ms <ms>', 'how long a job stays claimed without a heartbeat', (v) => Number(v), 30_000)
    .action(async (opts: { redisUrl: string; concurrency: number; queueName?: string; lockMs: number }) => {
      const stop = new AbortController();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
      const { runDistributedWorker } = await import('@mlgym/core');
      io.err(`mlgym worker: waiting for experiments on ${opts.redisUrl}`);
      await runDistributedWorker({
        redisUrl: opts.redisUrl,
        queueName: opts.queueName,
        concurrency: opts.concurrency,
        lockDurationMs: opts.lockMs,
        workerModule: options.workerEntry ?? '',
        workerArgs: [],
        log: (line) => io.err(`mlgym worker: ${line}`),
        signal: stop.signal,
        authToken: process.env['ML_BOARD_AUTH_TOKEN'] || undefined,
      });
    });

  program
    .command('attach')
    .description('wait for the experiments of a distributed grid search and print its summary')
    .requiredOption('--redis_url, --redis-url <url>', 'e.g. redis://127.0.0.1:6379')
    .requiredOption('--gridsearch_id, --gridsearch-id <id>', 'the grid search to follow')
    .option('--queue_name, --queue-name <name>', 'queue (environment.config.queue_name of the run)')
    .action(async (opts: { redisUrl: string; gridsearchId: string; queueName?: string }) => {
      const { waitForGridSearch } = await import('@mlgym/core');
      const results = await waitForGridSearch(opts.redisUrl, opts.gridsearchId, {
        queueName: opts.queueName,
        log: (line) => io.err(`mlgym: ${line}`),
      });
      for (const r of results)
        io.out(
          `${String(r.experimentId).padStart(4)}  ${r.status.padEnd(7)}  ${r.status === 'failed' ? (r.error ?? '') : `last epoch ${r.lastEpoch}`}`,
        );
      code = results.some((r) => r.status === 'failed') ? 1 : 0;
    });

  const storeOptions = (command: Command) =>
    command
      .option(
        '--ws_endpoint, --ws-endpoint <url>',
        'send the edit through the ml_board_ws_endpoint serving the grid search (token: ML_BOARD_AUTH_TOKEN)',
      )
      .option(
        '--event_storage_path, --event-storage-path <dir>',
        'without --ws_endpoint: the storage folder no endpoint serves (default ./event_storage)',
      );

  storeOptions(
    program
      .command('tag')
      .description(
        'add (+tag) or remove (-tag) tags of experiments or of the grid search (gs); without any: print them',
      )
      .argument('<gridsearch_id>', 'the grid search')
      .argument('<experiments>', 'an id (3), a list (0,3,5), a range (2-4), or gs for the grid search itself')
      .argument('[changes...]', '+tag to add, -tag to remove')
      // -baseline is a tag change, not an option
      .allowUnknownOption(),
  ).action(
    async (
      gs: string,
      experiments: string,
      changes: string[],
      opts: { wsEndpoint?: string; eventStoragePath?: string },
    ) => {
      const { tagCommand } = await import('./commands/annotateCommand.js');
      code = await tagCommand([gs, experiments, changes], opts, io);
    },
  );

  storeOptions(
    program
      .command('note')
      .description('set the note (Markdown) of an experiment or of the grid search; without text: print it')
      .argument('<args...>', '<gridsearch_id> [<experiment>] ["text" | - (stdin)]; "" clears the note')
      .option('--file <path>', 'read the note from a file'),
  ).action(async (args: string[], opts: { wsEndpoint?: string; eventStoragePath?: string; file?: string }) => {
    const { noteCommand } = await import('./commands/annotateCommand.js');
    code = await noteCommand(args, opts, io);
  });

  // Internal, kept for runs started by an older CLI: a worker process (runs the jobs its parent sends over IPC).
  program.command('_worker', { hidden: true }).action(async () => {
    const { startJobWorker } = await import('./startJobWorker.js');
    await startJobWorker();
    code = -1;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const { isMlgymError } = await import('@mlgym/protocol');
    if (isMlgymError(error)) {
      io.err(`mlgym: error[${error.code}]: ${error.message}`);
      return 2;
    }
    io.err(`mlgym: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
  return code;
}
