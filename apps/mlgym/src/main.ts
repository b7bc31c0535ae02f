import { Command, CommanderError } from 'commander';
import { BACKENDS, isMlgymError } from '@mlgym/protocol';
import { runWorker } from '@mlgym/core';
import { runCommand } from './commands/runCommand.js';
import type { Output } from './commands/runCommand.js';

/** Exit codes: 0 ok, 1 unexpected failure, 2 invalid input (config, arguments), 3 not available. */
export async function main(argv: readonly string[], io: Output): Promise<number> {
  let code = 0;
  const program = new Command('mlgym')
    .description('Deep-learning experiments declared in YAML, trained on TensorFlow.js')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('run')
    .description('run the experiments of a run config (the original run.py)')
    .requiredOption('--config_path, --config-path <path>', 'run_config.yml')
    .option('--dry-run', 'load and validate everything, print the experiment list, train nothing', false)
    .option('--json', 'print the experiment list as one JSON array', false)
    .option('--backend <backend>', `compute backend (${BACKENDS.join(' | ')})`)
    .action(async (opts: { configPath: string; dryRun: boolean; json: boolean; backend?: string }) => {
      code = await runCommand(
        { ...opts, workerEntry: process.argv[1]?.endsWith('cli.js') ? process.argv[1] : undefined },
        io,
      );
    });

  // Internal: a pool worker process (runs the one job its parent sends over IPC).
  program.command('_worker', { hidden: true }).action(() => {
    runWorker();
    code = -1;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isMlgymError(error)) {
      io.err(`mlgym: error[${error.code}]: ${error.message}`);
      return 2;
    }
    io.err(`mlgym: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
  return code;
}
