import { freemem, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { MlgymEvent, SystemMetricsPayload } from '@mlgym/protocol';
import type { EventSink } from '../../reporting/eventSink.js';
import { creationTs } from '../../reporting/eventSink.js';
import type { FitContext, TrainingCallback } from '../trainingCallback.js';
import type { ReporterIds } from './progressReporter.js';

/** `logging.system_metrics_interval_s` when the run config leaves it out. */
export const DEFAULT_SYSTEM_METRICS_INTERVAL_S = 10;
/** A sample at the end of training, unless the last one is more recent than this. */
const FINAL_SAMPLE_AFTER_MS = 1000;

export interface SystemMetricsOptions {
  /** Seconds between samples (> 0). */
  intervalS: number;
  /** The backend training runs on and its threads (the backend record of the job). */
  backend: { backend: string; threads: number };
  /** Milliseconds of a monotonic clock. @default performance.now */
  now?: () => number;
}

/** What one sample reads: the process, tfjs and the machine. Each part costs microseconds. */
function read(ids: ReporterIds, backend: { backend: string; threads: number }, cpuPercent: number) {
  const memory = process.memoryUsage();
  const tensors = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  const sample: SystemMetricsPayload = {
    grid_search_id: ids.gridSearchId,
    experiment_id: ids.experimentId,
    time: Date.now() / 1000,
    cpu_percent: Math.round(cpuPercent * 10) / 10,
    rss_bytes: memory.rss,
    heap_used_bytes: memory.heapUsed,
    tensors: tensors.numTensors,
    tensor_bytes: tensors.numBytes,
    backend: backend.backend,
    threads: backend.threads,
    load_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    free_memory_bytes: freemem(),
  };
  // Only a GPU backend (webgl, webgpu) counts bytes on the device; the others report nothing of a GPU.
  return typeof tensors.numBytesInGPU === 'number' ? { ...sample, gpu_memory_bytes: tensors.numBytesInGPU } : sample;
}

/**
 * One `system_metrics` event every `intervalS` seconds while an experiment trains or evaluates, and one at its end:
 * the process's CPU share since the previous sample, its memory, tfjs's tensors, the machine's load and free memory.
 * Between samples a batch costs one clock read; a sample reads counters the process and tfjs already keep.
 */
export class SystemMetricsReporter implements TrainingCallback {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private last = 0;
  private lastCpu: NodeJS.CpuUsage | undefined;

  constructor(
    private readonly sink: EventSink,
    private readonly ids: ReporterIds,
    private readonly options: SystemMetricsOptions,
  ) {
    this.intervalMs = options.intervalS * 1000;
    this.now = options.now ?? (() => performance.now());
  }

  onTrainBegin(): void {
    this.last = this.now();
    this.lastCpu = process.cpuUsage();
  }

  onBatchEnd(): void {
    if (this.now() - this.last >= this.intervalMs) this.sample();
  }

  onTestBatchEnd(): void {
    if (this.now() - this.last >= this.intervalMs) this.sample();
  }

  onTrainEnd(ctx: FitContext): void {
    if (ctx.alreadyComplete || this.lastCpu === undefined) return;
    if (this.now() - this.last >= FINAL_SAMPLE_AFTER_MS) this.sample();
  }

  private sample(): void {
    const at = this.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = Math.max(1, at - this.last);
    const percent = ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100;
    this.last = at;
    this.lastCpu = process.cpuUsage();
    const event: MlgymEvent = {
      event_type: 'system_metrics',
      creation_ts: creationTs(),
      payload: read(this.ids, this.options.backend, percent),
    };
    this.sink.emit(event);
  }
}
