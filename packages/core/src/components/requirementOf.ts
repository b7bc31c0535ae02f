import { MlgymError } from '@mlgym/protocol';
import type { BuildContext } from '../registry/componentRegistry.js';
import { describeValue } from '../util/describeValue.js';

/**
 * A requirement's value, checked: what another component built arrives untyped, so a builder reads
 * it through a guard, and a wrong subscription gets an error naming the component and requirement.
 */
export function requirementOf<T>(
  ctx: BuildContext<unknown>,
  name: string,
  is: (value: unknown) => value is T,
  expected: string,
): T {
  const value = ctx.requirements[name];
  if (is(value)) return value;
  throw MlgymError.fromIssue({
    code: 'SUBSCRIPTION_INVALID',
    keyPath: `${ctx.name}.requirements`,
    problem: `${ctx.typeKey}/${ctx.variantKey} got ${describeValue(value)} for its requirement "${name}"`,
    expected,
  });
}

/** A guard for a mapping whose every value passes `is` (a split → iterator table, say). */
export const recordOf =
  <T>(is: (value: unknown) => value is T) =>
  (value: unknown): value is Record<string, T> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(is);

export const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';
