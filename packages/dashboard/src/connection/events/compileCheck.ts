import type { z } from 'zod';
import { safeParse } from 'zod/v4/core';
import type { $ZodCheck, $ZodType, $ZodTypes, ParsePayload } from 'zod/v4/core';

/** Whether a value passes a schema: the verdict of `schema.safeParse(value).success`, and nothing else. */
export interface CompiledCheck<T> {
  (value: unknown): value is T;
  /** The parts of the schema that did not compile to a plain check and ask zod each time (empty: none). */
  readonly delegated: readonly string[];
}

type Check = (value: unknown) => boolean;

/**
 * Compiles a zod schema into a plain predicate with the same verdict, for the hot path of folding
 * events: zod's generic walk (a result object and issue bookkeeping per node) was the largest part of
 * the socket worker's time. The structure (objects, arrays, unions, nullable, enums, literals) becomes
 * nested closures; the refinements whose meaning is their definition (lengths, bounds, integers, a
 * regular expression) become plain tests, and any other (a custom refinement, a string format) runs
 * zod's own check object. A node kind it does not know is left to zod (`safeParse`) and named in
 * `delegated`, so a protocol change never changes a verdict, only the speed.
 */
export function compileCheck<T>(schema: z.ZodType<T>): CompiledCheck<T> {
  const delegated: string[] = [];
  const check = compile(schema as unknown as $ZodType, 'value', delegated);
  return Object.assign((value: unknown): value is T => check(value), { delegated });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const defOf = (check: $ZodCheck<never>) => check._zod.def as { check: string } & Record<string, unknown>;

/**
 * A number node's plain refinements folded into one range (`.int()`, `.min()`, `.nonnegative()`…),
 * and the checks left over (run by zod's check objects).
 */
function numberRange(checks: readonly $ZodCheck<never>[]) {
  const range = { min: -Infinity, minIn: true, max: Infinity, maxIn: true, int: false };
  const rest: $ZodCheck<never>[] = [];
  for (const c of checks) {
    const def = defOf(c);
    const value = def['value'] as number;
    const inclusive = def['inclusive'] === true;
    if (def['when']) rest.push(c);
    else if (def.check === 'number_format' && def['format'] === 'safeint') range.int = true;
    // a tighter bound wins; at an equal bound the exclusive one
    else if (def.check === 'greater_than' && (value > range.min || (value === range.min && !inclusive)))
      Object.assign(range, { min: value, minIn: inclusive });
    else if (def.check === 'less_than' && (value < range.max || (value === range.max && !inclusive)))
      Object.assign(range, { max: value, maxIn: inclusive });
    else if (def.check !== 'greater_than' && def.check !== 'less_than') rest.push(c);
  }
  return { ...range, rest };
}

/** A string node's plain refinements (lengths, regular expressions), and the checks left over. */
function stringRules(checks: readonly $ZodCheck<never>[]) {
  const rules = { minLength: 0, maxLength: Infinity, patterns: [] as RegExp[] };
  const rest: $ZodCheck<never>[] = [];
  for (const c of checks) {
    const def = defOf(c);
    if (def['when']) rest.push(c);
    else if (def.check === 'min_length') rules.minLength = Math.max(rules.minLength, def['minimum'] as number);
    else if (def.check === 'max_length') rules.maxLength = Math.min(rules.maxLength, def['maximum'] as number);
    else if (def.check === 'string_format' && def['format'] === 'regex' && def['pattern'] instanceof RegExp)
      rules.patterns.push(def['pattern']);
    else rest.push(c);
  }
  return { ...rules, rest };
}

/** Runs one of zod's check objects (a custom refinement, a string format) on a value of the right type. */
function zodRefinement(check: $ZodCheck<never>): Check {
  const c = check as unknown as $ZodCheck<unknown>;
  // one payload per check, reset for each value: checks run synchronously and never re-enter
  const payload: ParsePayload = { value: undefined, issues: [] };
  return (value) => {
    payload.value = value;
    payload.issues.length = 0;
    if (c._zod.def.when && !c._zod.def.when(payload)) return true;
    if (c._zod.check(payload) instanceof Promise) throw new Error('compileCheck: an asynchronous refinement');
    return payload.issues.length === 0;
  };
}

/** Refinements run by zod's check objects, as one test, or null for none. */
function refinements(checks: readonly $ZodCheck<never>[] | undefined): Check | null {
  if (!checks?.length) return null;
  const tests = checks.map(zodRefinement);
  if (tests.length === 1) return tests[0]!;
  return (value) => {
    for (const t of tests) if (!t(value)) return false;
    return true;
  };
}

function compile(schema: $ZodType, path: string, delegated: string[]): Check {
  const node = schema as $ZodTypes;
  const refine = refinements(node._zod.def.checks);
  const refined = (base: Check): Check => (refine ? (v) => base(v) && refine(v) : base);
  const def = node._zod.def;
  switch (def.type) {
    case 'string': {
      const { minLength, maxLength, patterns, rest } = stringRules(def.checks ?? []);
      const others = refinements(rest);
      // a grid search id repeats in every event of a log: the last one accepted is not checked again
      let last: string | null = null;
      return (v) => {
        if (typeof v !== 'string') return false;
        if (v === last) return true;
        if (v.length < minLength || v.length > maxLength) return false;
        for (const p of patterns) {
          p.lastIndex = 0;
          if (!p.test(v)) return false;
        }
        if (others && !others(v)) return false;
        last = v;
        return true;
      };
    }
    case 'number': {
      const { min, minIn, max, maxIn, int, rest } = numberRange(def.checks ?? []);
      const others = refinements(rest);
      return (v) =>
        typeof v === 'number' &&
        (int ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
        (minIn ? v >= min : v > min) &&
        (maxIn ? v <= max : v < max) &&
        (others === null || others(v));
    }
    case 'boolean':
      return refined((v) => typeof v === 'boolean');
    case 'null':
      return (v) => v === null;
    case 'unknown':
    case 'any':
      return refined(() => true);
    case 'literal': {
      const values: readonly unknown[] = def.values;
      const [only] = values;
      // `includes` compares as SameValueZero: only a NaN literal differs from ===
      return refined(values.length === 1 && !Number.isNaN(only) ? (v) => v === only : (v) => values.includes(v));
    }
    case 'enum': {
      const values = new Set<unknown>(Object.values(def.entries));
      return refined((v) => values.has(v));
    }
    case 'nullable': {
      const inner = compile(def.innerType, path, delegated);
      return (v) => v === null || inner(v);
    }
    case 'optional': {
      const inner = compile(def.innerType, path, delegated);
      return (v) => v === undefined || inner(v);
    }
    case 'array': {
      const element = compile(def.element, `${path}[]`, delegated);
      return refined((v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      });
    }
    case 'union': {
      const options = def.options.map((o, i) => compile(o, `${path}|${i}`, delegated));
      return refined((v) => {
        for (let i = 0; i < options.length; i++) if (options[i]!(v)) return true;
        return false;
      });
    }
    case 'object': {
      const keys = Object.keys(def.shape);
      const fields = keys.map((key) => compile(def.shape[key]!, `${path}.${key}`, delegated));
      const known = new Set(keys);
      const catchall = def.catchall;
      const kind = catchall?._zod.def.type;
      // z.object() strips and z.looseObject() keeps other keys: both accept them; z.strictObject() refuses them
      const others: Check | null =
        catchall === undefined || kind === 'unknown' || kind === 'any'
          ? null
          : kind === 'never'
            ? () => false
            : compile(catchall, `${path}.*`, delegated);
      return refined((v) => {
        if (!isRecord(v)) return false;
        for (let i = 0; i < keys.length; i++) if (!fields[i]!(v[keys[i]!])) return false;
        if (others) for (const key of Object.keys(v)) if (!known.has(key) && !others(v[key])) return false;
        return true;
      });
    }
    default:
      delegated.push(`${path} (${def.type})`);
      return (v) => safeParse(schema, v).success;
  }
}
