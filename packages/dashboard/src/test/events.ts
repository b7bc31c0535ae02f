import type { MlgymEvent } from '@mlgym/protocol';

/** Protocol events as a real run sends them, for the reducer and selector tests. */
const GS = '2024-01-01--00-00-00';

export function jobStatus(
  experiment_id: number,
  status: 'INIT' | 'RUNNING' | 'DONE',
  error: string | null = null,
): MlgymEvent {
  return {
    event_type: 'job_status',
    creation_ts: 1,
    payload: {
      grid_search_id: GS,
      experiment_id,
      job_id: `${GS}-${experiment_id}`,
      job_type: 1,
      status,
      starting_time: 1_700_000_000,
      finishing_time: status === 'DONE' ? 1_700_000_090 : -1,
      error,
      stacktrace: error ? `Error: ${error}\n    at train` : null,
    },
  };
}

export function experimentStatus(
  experiment_id: number,
  epoch: number,
  status: 'train' | 'evaluation' = 'train',
  batch = 4,
): MlgymEvent {
  return {
    event_type: 'experiment_status',
    creation_ts: 2,
    payload: {
      grid_search_id: GS,
      experiment_id,
      status,
      num_epochs: 4,
      current_epoch: epoch,
      splits: status === 'train' ? ['train'] : ['val', 'test'],
      current_split: status === 'train' ? 'train' : 'val',
      num_batches: 10,
      current_batch: batch,
    },
  };
}

export function evaluation(
  experiment_id: number,
  epoch: number,
  scores: { f1?: number | null; loss?: number | null; split?: string },
): MlgymEvent {
  const split = scores.split ?? 'val';
  return {
    event_type: 'evaluation_result',
    creation_ts: 3,
    payload: {
      grid_search_id: GS,
      experiment_id,
      epoch,
      metric_scores: scores.f1 === undefined ? [] : [{ metric: 'F1_SCORE_macro', split, score: scores.f1 }],
      loss_scores: scores.loss === undefined ? [] : [{ loss: 'cross_entropy_loss', split, score: scores.loss }],
    },
  };
}

export function experimentConfig(experiment_id: number, lr: number, batchSize: number): MlgymEvent {
  return {
    event_type: 'experiment_config',
    creation_ts: 0,
    payload: {
      grid_search_id: GS,
      experiment_id,
      job_id: experiment_id,
      config: {
        model: { component_type_key: 'MODEL', variant_key: 'DEFAULT', config: { seed: 9, layers: [6, 16, 2] } },
        optimizer: { component_type_key: 'OPTIMIZER', variant_key: 'DEFAULT', config: { params: { lr } } },
        data_loaders: { component_type_key: 'DATA_LOADER', variant_key: 'DEFAULT', config: { batch_size: batchSize } },
      },
    },
  };
}

export function annotation(
  experiment_id: number | null,
  edit: { add?: string[]; remove?: string[]; note?: string; base?: number | null; author?: string },
): MlgymEvent {
  return {
    event_type: 'annotation',
    creation_ts: 1,
    payload: {
      grid_search_id: GS,
      experiment_id,
      ...(edit.add ? { add_tags: edit.add } : {}),
      ...(edit.remove ? { remove_tags: edit.remove } : {}),
      ...(edit.note !== undefined ? { note: edit.note, note_base: edit.base ?? null } : {}),
      author: edit.author ?? null,
      time: 1_800_000_000,
    },
  };
}

export function systemMetrics(experiment_id: number, time: number, sample: { cpu: number; rss: number }): MlgymEvent {
  return {
    event_type: 'system_metrics',
    creation_ts: 1,
    payload: {
      grid_search_id: GS,
      experiment_id,
      time,
      cpu_percent: sample.cpu,
      rss_bytes: sample.rss,
      heap_used_bytes: 1e7,
      tensors: 10,
      tensor_bytes: 1e5,
      backend: 'wasm',
      threads: 2,
      load_1m: 1,
      free_memory_bytes: 1e9,
    },
  };
}
