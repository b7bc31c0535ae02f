import { z } from 'zod';

/**
 * A grid search's columnar snapshot: what its events up to `nextEventId` (exclusive) fold into, kept by
 * the websocket endpoint beside the log (never instead of it) and served by `GET /snapshot/<grid_search_id>`
 * as one binary body. A board loads it instead of parsing the log, then joins with
 * `last_event_id = nextEventId - 1` for what follows.
 *
 * Layout (little-endian): `MLBS`, u32 format version, u32 header length, the header as JSON (UTF-8), then
 * 8-byte aligned sections: the column table (i32 × 6 per column: experiment id, length, first epoch of
 * consecutive epochs or -1, offset into the epochs section, offset into its values section, 0 = f64 or 1 =
 * f32 values), explicit epochs (f64), values (f64), values exactly representable as f32 (f32). Each series'
 * columns follow each other in the table, in the order of the header's `series`.
 */
export const SNAPSHOT_PATH = (gridSearchId: string) => `/snapshot/${encodeURIComponent(gridSearchId)}`;
/** The response header naming the snapshot's `nextEventId` (also in its body). */
export const SNAPSHOT_NEXT_ID_HEADER = 'x-mlgym-next-event-id';
export const SNAPSHOT_FORMAT_VERSION = 1;
const MAGIC = 0x53424c4d; // "MLBS" read as a little-endian u32
const COLUMN_INTS = 6;

/** One experiment's points of one series: epochs ascending, one value per epoch, NaN where no number came. */
export interface SnapshotColumn {
  experimentId: number;
  epochs: Float64Array;
  values: Float64Array;
}

export interface SnapshotSeries {
  /** `<split>_<metric or loss>`. */
  key: string;
  split: string;
  tag: string;
  kind: 'metric' | 'loss';
  columns: SnapshotColumn[];
}

/** What a snapshot holds. Rows and search fields are named as the board's table names them. */
export interface GridSearchSnapshot {
  gridSearchId: string;
  /** Events `0 … nextEventId - 1` are in it. */
  nextEventId: number;
  /** Experiment ids in the order their first event came. */
  experiments: number[];
  /** Per experiment (in `experiments` order) the fields its job and status events left. */
  rows: Array<{ experiment_id: number } & Record<string, unknown>>;
  /** Each experiment's last `experiment_config`. */
  configs: Array<{ experiment_id: number; config: Record<string, unknown> }>;
  /** In the order their first point came; columns in the order of their first point. */
  series: SnapshotSeries[];
  /**
   * Events the snapshot does not fold, as stored lines, in id order: an adaptive search's plan and
   * decisions, and the last few it could not read (a reader folds them itself, and says what was wrong).
   */
  passthrough: Array<{ eventId: number; line: string }>;
  /** Events of an unknown type and malformed events, beyond those passed through. */
  unknown: number;
  malformed: number;
  /** Scores without a number (null, or NaN and infinities at the source). */
  missingScores: number;
  /** The first of them, as `<series> of experiment <id> at epoch <epoch>`. */
  missingExample: string | null;
  /** Who keeps it may note here what the last event it holds was (to see whether the log is still the same). */
  coveredLineDigest?: string | undefined;
}

const HeaderSchema = z.object({
  gridSearchId: z.string(),
  nextEventId: z.number().int().nonnegative(),
  experiments: z.array(z.number().int().nonnegative()),
  rows: z.array(z.looseObject({ experiment_id: z.number().int().nonnegative() })),
  configs: z.array(
    z.object({ experiment_id: z.number().int().nonnegative(), config: z.record(z.string(), z.unknown()) }),
  ),
  series: z.array(
    z.object({
      key: z.string(),
      split: z.string(),
      tag: z.string(),
      kind: z.enum(['metric', 'loss']),
      columns: z.number().int().nonnegative(),
    }),
  ),
  passthrough: z.array(z.object({ eventId: z.number().int().nonnegative(), line: z.string() })),
  unknown: z.number().int().nonnegative(),
  malformed: z.number().int().nonnegative(),
  missingScores: z.number().int().nonnegative(),
  missingExample: z.string().nullable(),
  coveredLineDigest: z.string().optional(),
  sections: z.object({
    columns: z.number().int().nonnegative(),
    epochs: z.number().int().nonnegative(),
    values64: z.number().int().nonnegative(),
    values32: z.number().int().nonnegative(),
  }),
});

const align8 = (n: number) => (n + 7) & ~7;

/** Whether a column's epochs are `first, first + 1, …` (stored as two numbers instead of a list). */
function consecutiveFrom(epochs: Float64Array): number {
  const first = epochs[0];
  if (first === undefined || !Number.isInteger(first) || first < 0 || first > 2 ** 31 - 1 - epochs.length) return -1;
  for (let i = 1; i < epochs.length; i++) if (epochs[i] !== first + i) return -1;
  return first;
}

function fitsFloat32(values: Float64Array): boolean {
  for (const v of values) if (v === v && Math.fround(v) !== v) return false;
  return true;
}

/** The snapshot as its binary form. */
export function encodeSnapshot(s: GridSearchSnapshot): Uint8Array {
  const columns = s.series.flatMap((series) => series.columns);
  const table = new Int32Array(columns.length * COLUMN_INTS);
  let epochs = 0;
  let values64 = 0;
  let values32 = 0;
  const plan = columns.map((c, i) => {
    const from = consecutiveFrom(c.epochs);
    const f32 = fitsFloat32(c.values);
    table.set(
      [c.experimentId, c.values.length, from, from < 0 ? epochs : 0, f32 ? values32 : values64, f32 ? 1 : 0],
      i * COLUMN_INTS,
    );
    if (from < 0) epochs += c.epochs.length;
    if (f32) values32 += c.values.length;
    else values64 += c.values.length;
    return { from, f32 };
  });
  const header = new TextEncoder().encode(
    JSON.stringify({
      gridSearchId: s.gridSearchId,
      nextEventId: s.nextEventId,
      experiments: s.experiments,
      rows: s.rows,
      configs: s.configs,
      series: s.series.map(({ key, split, tag, kind, columns: c }) => ({ key, split, tag, kind, columns: c.length })),
      passthrough: s.passthrough,
      unknown: s.unknown,
      malformed: s.malformed,
      missingScores: s.missingScores,
      missingExample: s.missingExample,
      ...(s.coveredLineDigest === undefined ? {} : { coveredLineDigest: s.coveredLineDigest }),
      sections: { columns: columns.length, epochs, values64, values32 },
    }),
  );
  const tableAt = align8(12 + header.length);
  const epochsAt = align8(tableAt + table.byteLength);
  const values64At = epochsAt + epochs * 8;
  const values32At = values64At + values64 * 8;
  const out = new Uint8Array(values32At + values32 * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, SNAPSHOT_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(new Uint8Array(table.buffer), tableAt);
  const e = new Float64Array(out.buffer, epochsAt, epochs);
  const v64 = new Float64Array(out.buffer, values64At, values64);
  const v32 = new Float32Array(out.buffer, values32At, values32);
  columns.forEach((c, i) => {
    const { from, f32 } = plan[i] as { from: number; f32: boolean };
    if (from < 0) e.set(c.epochs, table[i * COLUMN_INTS + 3]);
    (f32 ? v32 : v64).set(c.values, table[i * COLUMN_INTS + 4]);
  });
  return out;
}

/** Why a body is not a snapshot this reader can read. */
export class SnapshotFormatError extends Error {
  override name = 'SnapshotFormatError';
}

/**
 * Reads a snapshot's binary form. The columns' epochs and values are views of a few large arrays (one
 * copy of the body where it was not 8-byte aligned). Throws SnapshotFormatError for anything else.
 */
export function decodeSnapshot(bytes: Uint8Array): GridSearchSnapshot {
  if (bytes.byteLength < 12) throw new SnapshotFormatError('a snapshot is at least 12 bytes');
  const body = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new SnapshotFormatError('not an mlgym snapshot (no MLBS mark)');
  const version = view.getUint32(4, true);
  if (version !== SNAPSHOT_FORMAT_VERSION)
    throw new SnapshotFormatError(`snapshot format ${version}; this reader reads ${SNAPSHOT_FORMAT_VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > body.byteLength) throw new SnapshotFormatError('the snapshot ends inside its header');
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(new TextDecoder().decode(body.subarray(12, 12 + headerLength))));
  } catch (error) {
    throw new SnapshotFormatError(`the snapshot's header is not valid: ${String(error)}`);
  }
  const { sections } = header;
  const tableAt = align8(12 + headerLength);
  const epochsAt = align8(tableAt + sections.columns * COLUMN_INTS * 4);
  const values64At = epochsAt + sections.epochs * 8;
  const values32At = values64At + sections.values64 * 8;
  if (values32At + sections.values32 * 4 !== body.byteLength)
    throw new SnapshotFormatError(`the snapshot's sections do not add up to its ${body.byteLength} bytes`);
  if (header.series.reduce((n, s) => n + s.columns, 0) !== sections.columns)
    throw new SnapshotFormatError('the snapshot names a different number of columns than it holds');
  const at = body.byteOffset;
  const table = new Int32Array(body.buffer, at + tableAt, sections.columns * COLUMN_INTS);
  const epochs = new Float64Array(body.buffer, at + epochsAt, sections.epochs);
  const v64 = new Float64Array(body.buffer, at + values64At, sections.values64);
  const v32 = new Float32Array(body.buffer, at + values32At, sections.values32);
  // consecutive epochs and f32 values are made into f64 columns here, in two shared arrays
  let madeEpochs = 0;
  let madeValues = 0;
  for (let i = 0; i < sections.columns; i++) {
    const length = table[i * COLUMN_INTS + 1] as number;
    if ((table[i * COLUMN_INTS + 2] as number) >= 0) madeEpochs += length;
    if (table[i * COLUMN_INTS + 5] === 1) madeValues += length;
  }
  const epochsMade = new Float64Array(madeEpochs);
  const valuesMade = new Float64Array(madeValues);
  madeEpochs = madeValues = 0;
  const within = (offset: number, length: number, size: number, what: string) => {
    if (offset < 0 || length < 0 || offset + length > size)
      throw new SnapshotFormatError(`a column's ${what} lie outside the snapshot`);
  };
  let column = 0;
  const series = header.series.map(({ columns, ...names }): SnapshotSeries => {
    const out: SnapshotColumn[] = [];
    for (let k = 0; k < columns; k++, column++) {
      const [experimentId, length, from, epochAt, valueAt, kind] = table.subarray(
        column * COLUMN_INTS,
        column * COLUMN_INTS + COLUMN_INTS,
      ) as unknown as [number, number, number, number, number, number];
      let columnEpochs: Float64Array;
      if (from >= 0) {
        columnEpochs = epochsMade.subarray(madeEpochs, madeEpochs + length);
        for (let j = 0; j < length; j++) columnEpochs[j] = from + j;
        madeEpochs += length;
      } else {
        within(epochAt, length, epochs.length, 'epochs');
        columnEpochs = epochs.subarray(epochAt, epochAt + length);
      }
      let columnValues: Float64Array;
      if (kind === 1) {
        within(valueAt, length, v32.length, 'values');
        columnValues = valuesMade.subarray(madeValues, madeValues + length);
        columnValues.set(v32.subarray(valueAt, valueAt + length));
        madeValues += length;
      } else {
        within(valueAt, length, v64.length, 'values');
        columnValues = v64.subarray(valueAt, valueAt + length);
      }
      out.push({ experimentId, epochs: columnEpochs, values: columnValues });
    }
    return { ...names, columns: out };
  });
  const { sections: _sections, ...rest } = header;
  return { ...rest, series };
}
