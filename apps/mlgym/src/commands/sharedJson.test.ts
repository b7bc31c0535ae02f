import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSharedJson } from './sharedJson.js';

describe('createSharedJson', () => {
  it('writes what JSON.stringify writes, for any JSON-like value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(createSharedJson()(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('leaves out undefined members, writes null for undefined items and non-finite numbers, defers to toJSON', () => {
    const value = { a: undefined, b: [undefined, NaN, Infinity, -0], c: new Date(0), d: { e: 1 } };
    expect(createSharedJson()(value)).toBe(JSON.stringify(value));
  });

  it('writes a shared part once and reuses its text', () => {
    const shared = { deep: { list: [1, 2, 3] } };
    const write = createSharedJson();
    const first = write({ x: 1, shared });
    shared.deep.list.push(4); // a change after writing is not seen: parts must not change
    expect(write({ x: 2, shared })).toBe(first.replace('"x":1', '"x":2'));
  });
});
