import { createDefaultRegistry, loadRunConfig, planExperiments } from '@mlgym/core';
import type { ComponentRegistry } from '@mlgym/core';
import { MlgymError } from '@mlgym/protocol';
import { formatPlanJson, formatPlanTable } from './dryRun.js';

export interface RunCommandOptions {
  configPath: string;
  dryRun: boolean;
  json: boolean;
  backend?: string | undefined;
  registry?: ComponentRegistry | undefined;
}

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `mlgym run`: load and validate everything; with --dry-run print the experiment list. */
export async function runCommand(options: RunCommandOptions, io: Output): Promise<number> {
  const run = loadRunConfig(options.configPath);
  if (run.config.run_configuration.type !== 'train') {
    throw new MlgymError({
      code: 'CONFIG_INVALID',
      message: `${run.source.file}: warm starts resume a stored grid search, which needs the experiment runner (not in this build yet)`,
    });
  }
  const plan = await planExperiments(run, { registry: options.registry ?? createDefaultRegistry() });
  if (options.json) io.out(formatPlanJson(plan));
  else io.out(formatPlanTable(plan));
  if (!options.dryRun) {
    io.err('mlgym: the configuration is valid, but this build has no training engine yet; only --dry-run is available');
    return 3;
  }
  return 0;
}
