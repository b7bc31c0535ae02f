// Run configs `npm start` and the soak derive from a user's run config: the same run with its logging pointed
// at the MLboard endpoints just started, and the warm start of a grid search. They are written next to the
// original, so the relative paths in it (gs_config_path, plugins) keep their meaning.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

function derived(source, suffix, body, header) {
  const file = join(dirname(source), `.${basename(source, '.yml')}.${suffix}.yml`);
  writeFileSync(
    file,
    `# ${header}\n# Generated from ${basename(source)} by npm start; rewritten on every start.\n${stringify(body)}`,
  );
  return file;
}

function logging(endpoints) {
  return { websocket_logging_servers: [endpoints.wsUrl], gs_rest_api_endpoint: endpoints.restUrl };
}

/** `source` with its logging section replaced by the endpoints'. */
export function trainingConfig(source, endpoints) {
  const config = parse(readFileSync(source, 'utf8'));
  return derived(source, 'mlboard', { ...config, logging: logging(endpoints) }, 'The run, logging to MLboard.');
}

/**
 * The warm start of grid search `gridSearchId` that `source` started: same epochs, batches, plugins and
 * environment, logging to the endpoints. Finished experiments are skipped, the others resume after their last
 * checkpoint.
 */
export function warmStartConfig(source, gridSearchId, endpoints) {
  const config = parse(readFileSync(source, 'utf8'));
  const rc = config.run_configuration.config;
  const warm = {
    gridsearch_id: gridSearchId,
    num_epochs: rc.num_epochs,
    ...(rc.num_batches_per_epoch !== undefined && { num_batches_per_epoch: rc.num_batches_per_epoch }),
    ...(rc.plugins !== undefined && { plugins: rc.plugins }),
  };
  const body = {
    run_configuration: { type: 'warmstart', config: warm },
    environment: config.environment,
    logging: logging(endpoints),
  };
  return derived(source, 'warmstart', body, `Warm start of grid search ${gridSearchId}.`);
}
