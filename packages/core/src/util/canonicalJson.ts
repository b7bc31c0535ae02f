import { createHash } from 'node:crypto';

/** Object text already made, for objects a caller promises not to change (see `configHash`'s `memo`). */
export type CanonicalMemo = WeakMap<object, string>;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function write(value: unknown, memo: CanonicalMemo | undefined): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot hash the non-finite number ${value}`);
    return value === 0 ? '0' : JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`cannot hash a value of type ${typeof value}`);
  const known = memo?.get(value);
  if (known !== undefined) return known;
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) text += (i ? ',' : '') + write(value[i] ?? null, memo);
    text += ']';
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort(byCodeUnit);
    text = '{';
    let first = true;
    for (const k of keys) {
      const v = record[k];
      if (v === undefined) continue;
      text += `${first ? '' : ','}${JSON.stringify(k)}:${write(v, memo)}`;
      first = false;
    }
    text += '}';
  }
  memo?.set(value, text);
  return text;
}

/**
 * JSON with object keys sorted at every level and no whitespace, so that equal configs give equal
 * text whatever their key order. `-0` is written as `0`; non-finite numbers are refused because
 * JSON cannot represent them and a hash over them would not be reproducible.
 */
export function canonicalJson(value: unknown): string {
  return write(value, undefined);
}

/**
 * sha256 (hex) of the canonical JSON of a config: its stable identity across runs and machines.
 * `memo` keeps each object's text: configs that share unchanged parts (a grid's) write them once;
 * only for objects that are never changed afterwards.
 */
export function configHash(value: unknown, memo?: CanonicalMemo): string {
  return createHash('sha256').update(write(value, memo)).digest('hex');
}
