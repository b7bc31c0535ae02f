import { MlgymError } from '@mlgym/protocol';
import type { Subscription } from '@mlgym/protocol';
import { describeValue, isPlainObject } from '../util/describeValue.js';
import { didYouMean } from '../util/nearest.js';

function keysOf(value: unknown): string[] {
  if (value instanceof Map) return [...value.keys()].map(String);
  if (isPlainObject(value)) return Object.keys(value);
  return [];
}

function pick(value: unknown, key: string | number, where: string): unknown {
  if (value instanceof Map) {
    if (value.has(key)) return value.get(key);
  } else if (Array.isArray(value) && typeof key === 'number') {
    if (key >= 0 && key < value.length) return value[key];
  } else if (isPlainObject(value) && typeof key === 'string' && Object.hasOwn(value, key)) {
    return value[key];
  }
  const keys = keysOf(value);
  throw MlgymError.fromIssue({
    code: 'SUBSCRIPTION_INVALID',
    problem: `${where} subscribes to ${JSON.stringify(key)}, which its value does not have`,
    expected: keys.length
      ? `one of ${keys.join(', ')}`
      : Array.isArray(value)
        ? `an index below ${value.length}`
        : 'a key of the value',
    hint: typeof key === 'string' ? didYouMean(key, keys) : undefined,
  });
}

/**
 * Selects the part of a built component that a requirement subscribes to: nothing/empty → all of
 * it; a list of keys → a mapping with those keys in that order; a list of indices → those
 * elements; a single key or index → that element. A subscription of the wrong shape is an error
 * (the original silently passed `None`).
 */
export function applySubscription(value: unknown, subscription: Subscription, where: string): unknown {
  if (subscription === null || subscription === undefined) return value;
  if (!Array.isArray(subscription)) return pick(value, subscription, where);
  if (subscription.length === 0) return value;
  const allStrings = subscription.every((s) => typeof s === 'string');
  const allNumbers = subscription.every((s) => typeof s === 'number');
  if (allStrings && (isPlainObject(value) || value instanceof Map)) {
    const out: Record<string, unknown> = {};
    for (const key of subscription as string[]) out[key] = pick(value, key, where);
    return out;
  }
  if (allNumbers && Array.isArray(value)) return (subscription as number[]).map((i) => pick(value, i, where));
  throw MlgymError.fromIssue({
    code: 'SUBSCRIPTION_INVALID',
    problem: `${where} has a subscription that does not fit the value it subscribes to`,
    found: `subscription ${JSON.stringify(subscription)} on ${describeValue(value)}`,
    expected: 'a list of keys for a mapping, or a list of indices for a list',
  });
}
