import { z } from 'zod';
import { isPlainObject } from '../util/describeValue.js';

/** Sweep kinds: `absolute` is the original's; the others generate their value lists or samples. */
export const SWEEP_KINDS = ['absolute', 'range', 'linspace', 'logspace', 'random'] as const;
export type SweepKind = (typeof SWEEP_KINDS)[number];

const num = z.number();
const described = { description: z.string().optional() };

export const AbsoluteSweepSchema = z.strictObject({
  sweep: z.literal('absolute'),
  values: z.array(z.unknown()).min(1, { error: 'a sweep needs at least one value' }),
  ...described,
});

/** `range`: start, start+step, … while < stop (Python's range; floats allowed). */
export const RangeSweepSchema = z.strictObject({
  sweep: z.literal('range'),
  start: num.default(0),
  stop: num,
  step: num.refine((s) => s !== 0, { error: 'step must not be 0' }).default(1),
  ...described,
});

/** `linspace`: `num` evenly spaced values from start to stop (inclusive unless endpoint is false). */
export const LinspaceSweepSchema = z.strictObject({
  sweep: z.literal('linspace'),
  start: num,
  stop: num,
  num: z.number().int().min(1),
  endpoint: z.boolean().default(true),
  ...described,
});

/** `logspace`: base ** linspace(start, stop, num) (numpy's logspace). */
export const LogspaceSweepSchema = z.strictObject({
  sweep: z.literal('logspace'),
  start: num,
  stop: num,
  num: z.number().int().min(1),
  base: z.number().positive().default(10),
  endpoint: z.boolean().default(true),
  ...described,
});

/**
 * `random`: one value per sample, drawn jointly with every other random node of the config
 * (random search). All random nodes of one config must agree on `num_samples`.
 */
export const RandomSweepSchema = z
  .strictObject({
    sweep: z.literal('random'),
    distribution: z.enum(['uniform', 'loguniform', 'choice', 'randint']),
    low: num.optional(),
    high: num.optional(),
    values: z.array(z.unknown()).min(1).optional(),
    num_samples: z.number().int().min(1),
    seed: z.number().int().nonnegative().default(0),
    ...described,
  })
  .superRefine((node, ctx) => {
    if (node.distribution === 'choice') {
      if (!node.values)
        ctx.addIssue({ code: 'custom', path: ['values'], message: 'choice needs a non-empty values list' });
      return;
    }
    if (node.low === undefined || node.high === undefined) {
      ctx.addIssue({ code: 'custom', path: ['low'], message: `${node.distribution} needs low and high` });
    } else if (!(node.low < node.high)) {
      ctx.addIssue({ code: 'custom', path: ['high'], message: 'high must be greater than low' });
    } else if (node.distribution === 'loguniform' && node.low <= 0) {
      ctx.addIssue({ code: 'custom', path: ['low'], message: 'loguniform needs low > 0' });
    }
  });

export const SWEEP_SCHEMAS = {
  absolute: AbsoluteSweepSchema,
  range: RangeSweepSchema,
  linspace: LinspaceSweepSchema,
  logspace: LogspaceSweepSchema,
  random: RandomSweepSchema,
} as const;

export type RandomSweep = z.infer<typeof RandomSweepSchema>;

/** A mapping with a `sweep` key is a sweep node. */
export function isSweepNode(value: unknown): value is Record<string, unknown> & { sweep: unknown } {
  return isPlainObject(value) && 'sweep' in value;
}

export function isRandomSweep(value: unknown): boolean {
  return isSweepNode(value) && value.sweep === 'random';
}

/** Rounds away float noise (0.1 + 0.2) so generated values print and hash as people expect. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function linspace(start: number, stop: number, count: number, endpoint: boolean): number[] {
  if (count === 1) return [start];
  const step = (stop - start) / (endpoint ? count - 1 : count);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

const MAX_GENERATED = 100_000;

/** The ordered values of a (validated) non-random sweep node. */
export function sweepValues(node: Record<string, unknown>): unknown[] {
  switch (node['sweep']) {
    case 'absolute':
      return AbsoluteSweepSchema.parse(node).values;
    case 'range': {
      const { start, stop, step } = RangeSweepSchema.parse(node);
      const count = Math.max(0, Math.ceil((stop - start) / step));
      if (count > MAX_GENERATED) throw new RangeError(`range sweep yields ${count} values (limit ${MAX_GENERATED})`);
      return Array.from({ length: count }, (_, i) => tidy(start + i * step));
    }
    case 'linspace': {
      const { start, stop, num: count, endpoint } = LinspaceSweepSchema.parse(node);
      return linspace(start, stop, count, endpoint).map(tidy);
    }
    case 'logspace': {
      const { start, stop, num: count, base, endpoint } = LogspaceSweepSchema.parse(node);
      return linspace(start, stop, count, endpoint).map((e) => tidy(base ** e));
    }
    default:
      throw new Error(`sweepValues called on a ${String(node['sweep'])} sweep`);
  }
}
