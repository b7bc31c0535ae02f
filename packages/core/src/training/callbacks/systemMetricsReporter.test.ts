import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MlgymEventSchema, SystemMetricsPayloadSchema } from '@mlgym/protocol';
import { MemoryEventSink } from '../../reporting/eventSink.js';
import type { FitContext } from '../trainingCallback.js';
import { SystemMetricsReporter } from './systemMetricsReporter.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ctx = { alreadyComplete: false } as FitContext;
const ids = { gridSearchId: 'gs', experimentId: 4 };

function reporter(intervalS: number) {
  let now = 0;
  const sink = new MemoryEventSink();
  const cb = new SystemMetricsReporter(sink, ids, {
    intervalS,
    backend: { backend: 'cpu', threads: 1 },
    now: () => now,
  });
  return { cb, sink, advance: (ms: number) => (now += ms) };
}

/** Keeps one core busy for about `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) Math.sqrt(Math.random());
}

describe('SystemMetricsReporter', () => {
  it('samples once per interval while training and evaluating, and once at the end', () => {
    const { cb, sink, advance } = reporter(10);
    cb.onTrainBegin();
    for (let b = 0; b < 99; b++) {
      advance(100); // 9.9 s of batches
      cb.onBatchEnd();
    }
    expect(sink.events).toHaveLength(0);
    advance(100);
    cb.onBatchEnd();
    expect(sink.events).toHaveLength(1);
    advance(10_000);
    cb.onTestBatchEnd();
    expect(sink.events).toHaveLength(2);
    advance(500);
    cb.onTrainEnd(ctx); // only half a second since the last sample: nothing new to say
    expect(sink.events).toHaveLength(2);
    advance(1500);
    cb.onTrainEnd(ctx);
    expect(sink.events).toHaveLength(3);
  });

  it('reports the process, tfjs and the machine in one event of the protocol', () => {
    const sink = new MemoryEventSink();
    const kept = tf.ones([256, 256]);
    const cb = new SystemMetricsReporter(sink, ids, { intervalS: 0.001, backend: { backend: 'cpu', threads: 1 } });
    const cpu = process.cpuUsage();
    const wall = performance.now();
    cb.onTrainBegin();
    spin(200);
    cb.onBatchEnd();
    const used = process.cpuUsage(cpu);
    // what this process really used over the interval (a loaded machine may give the busy loop less than a core)
    const expected = ((used.user + used.system) / 1000 / (performance.now() - wall)) * 100;
    kept.dispose();
    const event = MlgymEventSchema.parse(sink.events[0]);
    expect(event.event_type).toBe('system_metrics');
    const p = SystemMetricsPayloadSchema.parse(event.payload);
    expect(p).toMatchObject({ grid_search_id: 'gs', experiment_id: 4, backend: 'cpu', threads: 1 });
    expect(p.cpu_percent).toBeGreaterThan(0);
    expect(Math.abs(p.cpu_percent - expected)).toBeLessThan(15);
    expect(p.rss_bytes).toBeGreaterThan(p.heap_used_bytes);
    expect(p.tensors).toBeGreaterThanOrEqual(1);
    expect(p.tensor_bytes).toBeGreaterThanOrEqual(256 * 256 * 4);
    expect(p.free_memory_bytes).toBeGreaterThan(0);
    expect(Math.abs(p.time - Date.now() / 1000)).toBeLessThan(5);
    expect(p.gpu_memory_bytes).toBeUndefined();
    expect(JSON.stringify(event).length).toBeLessThan(400);
    cb.onTrainEnd({ alreadyComplete: true } as FitContext);
    expect(sink.events).toHaveLength(1);
  });
});
