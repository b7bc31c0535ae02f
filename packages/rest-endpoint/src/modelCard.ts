import { parse as parseYaml } from 'yaml';

type Entry = {
  component_type_key?: string;
  variant_key?: string;
  requirements?: Array<{ name?: string; component_name?: string; subscription?: unknown }> | null;
  config?: Record<string, unknown> | null;
};
type ExperimentConfig = Record<string, Entry>;

export interface ModelCardInputs {
  gridSearchId: string;
  experimentId: number;
  experimentConfig: ExperimentConfig;
  /** Raw gs config YAML, for `model_info`. */
  gsConfigText?: string | undefined;
  /** `system_info.json`: the machine that trained the experiment. */
  systemInfo?: Record<string, unknown> | undefined;
  /** `model_summary.json` uploaded by the trainer (parameter counts, layers). */
  modelSummary?: Record<string, unknown> | undefined;
  latestCheckpointEpoch: number;
}

export interface PipelineNode {
  config_str: string | null;
  requirements: string[];
  nodes: Record<string, PipelineNode>;
}

function byType(config: ExperimentConfig, type: string): Array<[string, Entry]> {
  return Object.entries(config).filter(([, e]) => e.component_type_key === type);
}

function configOf(config: ExperimentConfig, type: string, has?: string): Record<string, unknown> {
  const found = byType(config, type).find(([, e]) => !has || (e.config && has in e.config));
  return (found?.[1].config ?? {}) as Record<string, unknown>;
}

function modelInfo(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed = parseYaml(text, { merge: true, maxAliasCount: 10_000 }) as {
      model_info?: Record<string, unknown>;
    } | null;
    return parsed?.model_info ?? {};
  } catch {
    return {};
  }
}

/**
 * The component graph as a tree: components without requirements are roots, and every component
 * hangs below each component it requires (as the original card draws it).
 */
export function pipelineTree(config: ExperimentConfig): Record<string, PipelineNode> {
  const dependents = new Map<string, string[]>();
  for (const [name, entry] of Object.entries(config)) {
    for (const req of entry.requirements ?? []) {
      if (!req.component_name) continue;
      dependents.set(req.component_name, [...(dependents.get(req.component_name) ?? []), name]);
    }
  }
  const build = (name: string, depth: number): PipelineNode => {
    const entry = config[name] ?? {};
    const children: Record<string, PipelineNode> = {};
    if (depth < 32) for (const child of dependents.get(name) ?? []) children[child] = build(child, depth + 1);
    return {
      config_str: entry.config ? JSON.stringify(entry.config) : null,
      requirements: (entry.requirements ?? []).map((r) => r.component_name ?? '').filter(Boolean),
      nodes: children,
    };
  };
  const roots: Record<string, PipelineNode> = {};
  for (const [name, entry] of Object.entries(config))
    if (!(entry.requirements ?? []).length) roots[name] = build(name, 0);
  return roots;
}

/**
 * A model card from stored facts only: nothing is unpickled or executed. Components are found by
 * their type key (not hard-coded names); the environment is the training machine's.
 */
export function buildModelCard(inputs: ModelCardInputs): Record<string, unknown> {
  const { experimentConfig: config } = inputs;
  const info = modelInfo(inputs.gsConfigText);
  const optimizer = configOf(config, 'OPTIMIZER');
  const train = configOf(config, 'TRAIN_COMPONENT');
  const evaluation = configOf(config, 'EVAL_COMPONENT');
  const dataset = configOf(config, 'DATASET_ITERATORS', 'dataset_identifier');
  const loaders = configOf(config, 'DATA_LOADER');
  const scheduler = configOf(config, 'LR_SCHEDULER');
  const splitters = byType(config, 'SPLITTED_DATASET_ITERATORS');
  const summary = inputs.modelSummary ?? {};
  const trainedAt = inputs.systemInfo?.['captured_at'];
  return {
    model_details: {
      model_description: info['model_description'] ?? null,
      model_version: info['model_version'] ?? null,
      source_repo: info['source_repo'] ?? null,
      grid_search_id: inputs.gridSearchId,
      experiment_id: inputs.experimentId,
      train_date: typeof trainedAt === 'string' ? trainedAt : null,
      train_params: summary['trainable_params'] ?? null,
      total_params: summary['total_params'] ?? null,
      latest_checkpoint_epoch: inputs.latestCheckpointEpoch,
      git_commit: inputs.systemInfo?.['git_commit'] ?? null,
    },
    dataset_details: {
      dataset_splits: {
        split_config: dataset['split_configs'] ?? null,
        split_subscription: [
          ...new Set(
            splitters.flatMap(([, e]) =>
              (e.requirements ?? []).flatMap((r) =>
                Array.isArray(r.subscription) ? r.subscription : r.subscription ? [r.subscription] : [],
              ),
            ),
          ),
        ],
        splits_percentage: splitters.map(([, e]) => e.config?.['split_configs'] ?? null),
      },
      considered_dataset: dataset['dataset_identifier'] ?? null,
      label_distribution: summary['label_distribution'] ?? null,
    },
    training_details: {
      hyperparams: {
        optimizer: optimizer['params'] ?? {},
        data_loader: { batch_size: loaders['batch_size'] ?? null },
        lr_scheduler: scheduler['params'] ?? {},
      },
      loss_func:
        (train['loss_fun_config'] as Record<string, unknown> | undefined)?.['tag'] ??
        (train['loss_fun_config'] as Record<string, unknown> | undefined)?.['key'] ??
        null,
      optimizer: optimizer['optimizer_key'] ?? null,
      lr_scheduler: scheduler['lr_scheduler_key'] ?? null,
    },
    eval_details: {
      loss_funcs: ((evaluation['loss_funs_config'] as Array<Record<string, unknown>> | undefined) ?? []).map(
        (l) => l['tag'] ?? l['key'],
      ),
      metrics: ((evaluation['metrics_config'] as Array<Record<string, unknown>> | undefined) ?? []).map((m) => ({
        name: m['tag'] ?? m['key'],
        params: m['params'] ?? {},
      })),
    },
    experiment_environment: {
      system_env: inputs.systemInfo ?? null,
      carbon_footprint: null,
      entry_point_cmd: inputs.systemInfo?.['entry_point_cmd'] ?? '',
    },
    pipeline_details: pipelineTree(config),
  };
}
