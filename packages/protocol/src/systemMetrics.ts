import { z } from 'zod';
import { SafeNameSchema } from './safeName.js';

const bytes = z.number().nonnegative();

/**
 * `system_metrics`: one sample of the process training an experiment, every
 * `logging.system_metrics_interval_s` (default 10 s; 0: none). CPU is the process's share over the interval
 * since the previous sample (100 = one core busy); memory in bytes; `tensors`/`tensor_bytes` from
 * `tf.memory()`; load and free memory of the machine. GPU fields only where the backend reports them.
 */
export const SystemMetricsPayloadSchema = z.looseObject({
  grid_search_id: SafeNameSchema,
  experiment_id: z.number().int().nonnegative(),
  /** Wall time of the sample, seconds since the epoch. */
  time: z.number(),
  cpu_percent: z.number().nonnegative(),
  rss_bytes: bytes,
  heap_used_bytes: bytes,
  tensors: z.number().int().nonnegative(),
  tensor_bytes: bytes,
  backend: z.string().max(40),
  threads: z.number().int().nonnegative(),
  load_1m: z.number().nonnegative(),
  free_memory_bytes: bytes,
  gpu_memory_bytes: bytes.nullable().optional(),
  gpu_utilization_percent: z.number().nonnegative().nullable().optional(),
});
export type SystemMetricsPayload = z.infer<typeof SystemMetricsPayloadSchema>;

/** The numeric fields of a sample the board charts, in its order, with their units. */
export const SYSTEM_METRICS = [
  { key: 'cpu_percent', label: 'CPU', unit: '%' },
  { key: 'rss_bytes', label: 'RSS', unit: 'bytes' },
  { key: 'heap_used_bytes', label: 'JS heap', unit: 'bytes' },
  { key: 'tensors', label: 'Tensors', unit: 'count' },
  { key: 'tensor_bytes', label: 'Tensor memory', unit: 'bytes' },
  { key: 'load_1m', label: 'Machine load (1 min)', unit: 'load' },
  { key: 'free_memory_bytes', label: 'Free memory', unit: 'bytes' },
  { key: 'gpu_memory_bytes', label: 'GPU memory', unit: 'bytes' },
  { key: 'gpu_utilization_percent', label: 'GPU utilisation', unit: '%' },
] as const;
export type SystemMetricKey = (typeof SYSTEM_METRICS)[number]['key'];
