import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotFormatError, decodeSnapshot, encodeSnapshot } from './snapshot.js';
import type { GridSearchSnapshot } from './snapshot.js';

const f64 = (...v: number[]) => Float64Array.from(v);

function sample(): GridSearchSnapshot {
  return {
    gridSearchId: 'gs-1',
    nextEventId: 42,
    experiments: [3, 1],
    rows: [
      { experiment_id: 3, job_status: 'DONE', current_epoch: 2 },
      { experiment_id: 1, job_status: 'RUNNING', error: null },
    ],
    configs: [{ experiment_id: 3, config: { lr: 0.1 } }],
    series: [
      {
        key: 'val_accuracy',
        split: 'val',
        tag: 'accuracy',
        kind: 'metric',
        columns: [
          // consecutive epochs, values that are not f32
          { experimentId: 3, epochs: f64(0, 1, 2), values: f64(0.1, 0.2, NaN) },
          // gaps in the epochs, f32-exact values
          { experimentId: 1, epochs: f64(0, 5, 7), values: f64(0.5, 0.25, -1) },
        ],
      },
      { key: 'train_loss', split: 'train', tag: 'loss', kind: 'loss', columns: [] },
    ],
    passthrough: [{ eventId: 40, line: '{"event_type":"search_plan"}' }],
    unknown: 1,
    malformed: 2,
    missingScores: 1,
    missingExample: 'val_accuracy of experiment 3 at epoch 2',
  };
}

describe('the snapshot format', () => {
  it('reads back what it wrote: rows, configs, every point (NaN too), passthrough events and counts', () => {
    const s = sample();
    expect(decodeSnapshot(encodeSnapshot(s))).toEqual(s);
  });

  it('reads a body that is not 8-byte aligned in its buffer (a copy)', () => {
    const bytes = encodeSnapshot(sample());
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeSnapshot(shifted.subarray(3))).toEqual(sample());
  });

  it('keeps every value exactly, whatever the column', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(10_000), fc.double()), { maxLength: 40 }),
        fc.boolean(),
        (points, consecutive) => {
          const epochs = f64(...points.map(([e], i) => (consecutive ? i : e)));
          const values = f64(...points.map(([, v]) => v));
          const s = {
            ...sample(),
            series: [{ ...sample().series[0]!, columns: [{ experimentId: 9, epochs, values }] }],
          };
          const back = decodeSnapshot(encodeSnapshot(s)).series[0]!.columns[0]!;
          expect([...back.epochs]).toEqual([...epochs]);
          expect([...back.values]).toEqual([...values]); // toEqual: NaN equals NaN, -0 is not 0
        },
      ),
    );
  });

  it('stores consecutive epochs and f32-exact values compactly', () => {
    const column = (values: number[]) => ({
      experimentId: 0,
      epochs: f64(...values.map((_, i) => i)),
      values: f64(...values),
    });
    const many = (v: number) => Array.from({ length: 1000 }, () => v);
    const size = (values: number[]) =>
      encodeSnapshot({ ...sample(), series: [{ ...sample().series[0]!, columns: [column(values)] }] }).length;
    expect(size(many(0.5)) - size([])).toBeLessThanOrEqual(1000 * 4 + 8);
    expect(size(many(0.1)) - size([])).toBeLessThanOrEqual(1000 * 8 + 8);
  });

  it('refuses what is not a snapshot of its format, saying why', () => {
    const bytes = encodeSnapshot(sample());
    expect(() => decodeSnapshot(new Uint8Array(4))).toThrow(SnapshotFormatError);
    expect(() => decodeSnapshot(new TextEncoder().encode('{"event_type":"x"}\n'))).toThrow(/no MLBS mark/);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(4, 99, true);
    expect(() => decodeSnapshot(future)).toThrow(/format 99/);
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 8))).toThrow(/do not add up/);
  });
});
