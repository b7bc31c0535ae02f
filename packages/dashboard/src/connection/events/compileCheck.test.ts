import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { compileCheck } from './compileCheck';

/** Schemas of every kind compileCheck compiles, and one it leaves to zod. */
const SCHEMAS: Record<string, z.ZodType<unknown>> = {
  string: z
    .string()
    .min(2)
    .max(4)
    .regex(/^[a-z]+$/),
  refined: z.string().refine((s) => !s.includes('..')),
  integer: z.number().int().nonnegative().lt(100),
  number: z.number(),
  boolean: z.boolean(),
  literal: z.literal('a'),
  enumeration: z.enum(['x', 'y']),
  nullable: z.number().nullable(),
  optional: z.object({ a: z.string().optional() }),
  array: z.array(z.number()).min(1),
  union: z.union([z.number(), z.array(z.string()), z.null()]),
  loose: z.looseObject({ a: z.number(), b: z.string() }),
  stripped: z.object({ a: z.number() }),
  strict: z.strictObject({ a: z.number() }),
  catchall: z.object({ a: z.number() }).catchall(z.string()),
  nested: z.looseObject({ p: z.looseObject({ xs: z.array(z.looseObject({ s: z.union([z.number(), z.null()]) })) }) }),
  piped: z
    .string()
    .transform((s) => s.length)
    .pipe(z.number().min(2)),
};

const values = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    'ab',
    'abcd',
    'abcde',
    'a..b',
    'A',
    'x',
    'a',
    1,
    -1,
    1.5,
    99,
    100,
    Infinity,
    NaN,
    null,
    [],
    [1],
    ['s'],
  ),
  fc.record({ a: fc.oneof(fc.integer(), fc.string(), fc.constant(undefined)), b: fc.string() }, { requiredKeys: [] }),
  fc.record({ a: fc.integer(), c: fc.oneof(fc.string(), fc.integer()) }),
  fc.record({
    p: fc.record({ xs: fc.array(fc.record({ s: fc.oneof(fc.double(), fc.constant(null), fc.string()) })) }),
  }),
);

describe('compileCheck: a plain predicate with the verdict of the zod schema it is compiled from', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: the same verdict as safeParse on any value`, () => {
      const check = compileCheck(schema);
      fc.assert(
        fc.property(values, (v) => {
          expect(check(v)).toBe(schema.safeParse(v).success);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('compiles the kinds it knows and names the parts it leaves to zod', () => {
    for (const [name, schema] of Object.entries(SCHEMAS))
      expect(compileCheck(schema).delegated, name).toEqual(name === 'piped' ? ['value (pipe)'] : []);
  });

  it('remembers the last string it accepted, never one it refused', () => {
    const check = compileCheck(SCHEMAS['refined']!);
    expect(check('run-1')).toBe(true);
    expect(check('run-1')).toBe(true);
    expect(check('run..1')).toBe(false);
    expect(check('run..1')).toBe(false);
  });
});
