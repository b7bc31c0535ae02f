import type { MlgymIssue } from '@mlgym/protocol';
import { isPlainObject } from '../util/describeValue.js';

export interface InjectionResult<T> {
  value: T;
  /** Placeholders whose id was not in the mapping (paths relative to the injected value). */
  unresolved: Array<{ path: PropertyKey[]; id: unknown }>;
}

function isPlaceholder(value: unknown): value is { injectable: { id?: unknown } } {
  return isPlainObject(value) && isPlainObject(value['injectable']);
}

/**
 * Replaces every `{injectable: {id}}` mapping below the top-level values of `params` by the mapped
 * value (the whole placeholder mapping is replaced). Unknown ids are left in place and reported, so
 * the caller decides whether that is an error (strict) or fine (a later injection fills them).
 */
export function inject<T extends Record<string, unknown>>(
  params: T,
  mapping: ReadonlyMap<string, unknown>,
): InjectionResult<T> {
  const unresolved: InjectionResult<T>['unresolved'] = [];
  const walk = (value: unknown, path: PropertyKey[]): unknown => {
    if (isPlaceholder(value)) {
      const id = value.injectable.id;
      if (typeof id === 'string' && mapping.has(id)) return mapping.get(id);
      unresolved.push({ path, id });
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k]);
      return out;
    }
    return value;
  };
  // The top-level mapping itself is never treated as a placeholder, only its values.
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) value[k] = walk(v, [k]);
  return { value: value as T, unresolved };
}

/** Issue text for an unresolved placeholder. */
export function unknownInjectable(id: unknown, known: Iterable<string>): Omit<MlgymIssue, 'file'> {
  const ids = [...known];
  return {
    code: 'INJECTABLE_UNKNOWN',
    problem: `no injectable is registered under id ${JSON.stringify(id)}`,
    expected: ids.length ? `one of ${ids.join(', ')}` : 'a registered injectable id',
    hint: 'Register it with registry.registerInjectable(id, value)',
  };
}
