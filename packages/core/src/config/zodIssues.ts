import type { z } from 'zod';
import type { ErrorCode, MlgymIssue } from '@mlgym/protocol';
import { describeValue, formatKeyPath, isPlainObject, valueAtPath } from '../util/describeValue.js';
import { didYouMean } from '../util/nearest.js';
import type { YamlSource } from './yamlSource.js';

/** Where a validated value came from: a YAML file (with positions) and the path of the value in it. */
export interface IssueOrigin {
  source?: YamlSource | undefined;
  /** Path of the validated value inside the file, prefixed to every zod issue path. */
  basePath?: readonly PropertyKey[];
  /** Shown instead of the source's file when there is no source (e.g. a JSON object from a server). */
  label?: string;
  /** Code given to every issue. @default 'CONFIG_INVALID' */
  code?: ErrorCode;
}

type AnySchema = z.ZodType;
interface SchemaDef {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  in?: AnySchema;
  values?: unknown[];
}

function defOf(schema: AnySchema): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let def = defOf(current); WRAPPERS.has(def.type) && def.innerType; def = defOf(current)) {
    current = def.innerType;
  }
  if (defOf(current).type === 'pipe' && defOf(current).in) return unwrap(defOf(current).in as AnySchema);
  return current;
}

/** For a union, the option that the data is aiming for (by discriminator when there is one). */
function pickOption(def: SchemaDef, data: unknown): AnySchema | undefined {
  const options = def.options ?? [];
  if (def.discriminator && isPlainObject(data)) {
    const tag = data[def.discriminator];
    for (const option of options) {
      const field = defOf(unwrap(option)).shape?.[def.discriminator];
      if (field && defOf(field).values?.includes(tag)) return option;
    }
  }
  return options.find(
    (o) => defOf(unwrap(o)).type === (Array.isArray(data) ? 'array' : isPlainObject(data) ? 'object' : ''),
  );
}

/** The sub-schema that validates `path` inside `data`, where it can be found. */
function schemaAt(
  schema: AnySchema,
  data: unknown,
  path: readonly PropertyKey[],
  resolveLastUnion = true,
): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  let value = data;
  for (let i = 0; i <= path.length && current; i++) {
    current = unwrap(current);
    const def = defOf(current);
    if (def.type === 'union') {
      if (i === path.length && !resolveLastUnion) break;
      current = pickOption(def, value);
      i--;
      if (!current) return undefined;
      continue;
    }
    if (i === path.length) break;
    const seg = path[i] as PropertyKey;
    if (def.type === 'object') current = def.shape?.[String(seg)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return current;
}

/** For an unmatched discriminator, the values the union accepts at that key. */
function discriminatorChoices(schema: AnySchema, data: unknown, path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return [];
  const parent = schemaAt(schema, data, path.slice(0, -1), false);
  if (!parent) return [];
  const def = defOf(unwrap(parent));
  const key = String(path[path.length - 1]);
  if (def.type !== 'union' || def.discriminator !== key) return [];
  return (def.options ?? [])
    .flatMap((o) =>
      defOf(unwrap(o)).shape?.[key] ? (defOf(defOf(unwrap(o)).shape?.[key] as AnySchema).values ?? []) : [],
    )
    .map(String);
}

function allowedKeys(schema: AnySchema, data: unknown, path: readonly PropertyKey[]): string[] {
  const at = schemaAt(schema, data, path);
  const def = at ? defOf(unwrap(at)) : undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

const EXPECTED_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
};

/** Converts zod issues into located, explained mlgym issues. */
export function zodToIssues(error: z.ZodError, schema: AnySchema, data: unknown, origin: IssueOrigin): MlgymIssue[] {
  const code = origin.code ?? 'CONFIG_INVALID';
  const base = origin.basePath ?? [];
  const out: MlgymIssue[] = [];
  for (const raw of error.issues) {
    const issue = raw as z.core.$ZodIssue & Record<string, unknown>;
    const rel = issue.path as PropertyKey[];
    const found = valueAtPath(data, rel);
    const make = (path: readonly PropertyKey[], fields: Omit<MlgymIssue, 'code' | 'file'>): MlgymIssue =>
      origin.source
        ? origin.source.issue(code, [...base, ...path], fields)
        : { code, file: origin.label, keyPath: formatKeyPath([...base, ...path]), ...fields };

    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeys(schema, data, rel);
        for (const key of issue.keys) {
          out.push(
            make([...rel, key], {
              problem: `unknown key "${key}"`,
              expected: allowed.length ? `one of ${allowed.join(', ')}` : undefined,
              hint: didYouMean(key, allowed) || 'Remove the key',
            }),
          );
        }
        break;
      }
      case 'invalid_type':
        out.push(
          make(rel, {
            problem: found === undefined ? 'required key is missing' : 'wrong type',
            found: found === undefined ? undefined : describeValue(found),
            expected: EXPECTED_NAMES[String(issue.expected)] ?? `a ${String(issue.expected)}`,
          }),
        );
        break;
      case 'invalid_value':
        out.push(
          make(rel, {
            problem: 'value not allowed',
            found: describeValue(found),
            expected: `one of ${(issue['values'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
          }),
        );
        break;
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? issue['minimum'] : issue['maximum'];
        const op = issue.code === 'too_small' ? (issue['inclusive'] ? '>=' : '>') : issue['inclusive'] ? '<=' : '<';
        const origin = String(issue['origin']);
        const numeric = origin === 'number' || origin === 'int' || origin === 'bigint';
        const expected = numeric
          ? `a number ${op} ${String(bound)}`
          : `${origin === 'array' ? 'a list' : `a ${origin}`} with ${op} ${String(bound)} ${origin === 'string' ? 'characters' : 'elements'}`;
        // A message written in a schema says more than the generic wording; zod's own starts with "Too".
        const custom = !issue.message.startsWith('Too ') && !issue.message.startsWith('Invalid');
        out.push(
          make(rel, {
            problem: custom
              ? issue.message
              : numeric
                ? 'value out of range'
                : `${origin === 'array' ? 'list' : origin} too ${issue.code === 'too_small' ? 'short' : 'long'}`,
            found: describeValue(found),
            expected,
          }),
        );
        break;
      }
      case 'invalid_union': {
        const note = issue['note'] as string | undefined;
        const choices = discriminatorChoices(schema, data, rel);
        if (choices.length > 0) {
          out.push(
            make(rel, {
              problem: 'value not allowed',
              found: describeValue(found),
              expected: `one of ${choices.join(', ')}`,
              hint: didYouMean(String(found), choices),
            }),
          );
          break;
        }
        out.push(
          make(rel, {
            problem: note ?? 'value matches none of the allowed forms',
            found: describeValue(found),
            expected: issue.message,
          }),
        );
        break;
      }
      default:
        out.push(make(rel, { problem: issue.message, found: found === undefined ? undefined : describeValue(found) }));
    }
  }
  return out;
}
