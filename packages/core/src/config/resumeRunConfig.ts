import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { MlgymError, RunConfigSchema } from '@mlgym/protocol';
import { HttpGridSearchStore, LocalGridSearchStore } from '@mlgym/storage';
import type { LoadedRunConfig } from './loadRunConfig.js';
import { runConfigFromSource } from './loadRunConfig.js';
import { YamlSource } from './yamlSource.js';

export interface ResumeOptions {
  gridSearchId: string;
  /** Local storage folder holding the run (default `./event_storage`). */
  eventStoragePath?: string | undefined;
  /** The run lives behind ml_board_rest_endpoint instead. */
  restEndpoint?: string | undefined;
  /** Bearer token of that endpoint (the CLI passes ML_BOARD_AUTH_TOKEN). */
  authToken?: string | undefined;
}

export interface ResumeRunConfig {
  run: LoadedRunConfig;
  /** Where the stored run was found, for messages. */
  storeLabel: string;
}

/**
 * The warm-start config `mlgym run --resume <id>` stands for: continue the stored run where it is
 * (a local folder or a REST endpoint) with every setting inherited. Runs streamed through the REST
 * endpoint keep streaming their events to the websocket servers their stored run config names.
 */
export async function resumeRunConfig(options: ResumeOptions): Promise<ResumeRunConfig> {
  const id = options.gridSearchId;
  const local = resolve(options.eventStoragePath ?? 'event_storage');
  const storeLabel = options.restEndpoint ?? local;
  const store = options.restEndpoint
    ? new HttpGridSearchStore({ baseUrl: options.restEndpoint, authToken: options.authToken })
    : new LocalGridSearchStore(local);
  const stored = await store.getConfig(id, 'run_config.yml');
  if (stored === undefined) {
    throw MlgymError.fromIssue({
      code: 'NOT_FOUND',
      keyPath: '--resume',
      problem: `grid search "${id}" has no stored run in ${storeLabel}`,
      hint: options.restEndpoint
        ? 'Check the id against the grid searches of that endpoint'
        : 'Check the id against the folders there, or name the folder with --event_storage_path (or the endpoint with --rest_endpoint)',
    });
  }
  let logging: Record<string, unknown> = { event_storage_path: local };
  if (options.restEndpoint) {
    const parsed = RunConfigSchema.safeParse(YamlSource.parse(stored, `${storeLabel}/${id}/run_config.yml`).data);
    const servers = parsed.success ? parsed.data.logging?.websocket_logging_servers : undefined;
    logging = {
      gs_rest_api_endpoint: options.restEndpoint,
      ...(servers?.length ? { websocket_logging_servers: servers } : {}),
      event_storage_path: local,
    };
  }
  const text = stringify({ run_configuration: { type: 'warmstart', config: { gridsearch_id: id } }, logging });
  return { run: runConfigFromSource(YamlSource.parse(text, `mlgym run --resume ${id}`)), storeLabel };
}
