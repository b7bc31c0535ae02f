import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash } from './canonicalJson.js';

describe('canonicalJson / configHash', () => {
  it('ignores key order at every level but not list order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(configHash({ a: 1, b: { c: 2, d: 3 } })).toBe(configHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configHash({ a: [1, 2] })).not.toBe(configHash({ a: [2, 1] }));
  });

  it('distinguishes values and types and gives a sha256 hex digest', () => {
    expect(configHash({ lr: 0.1 })).not.toBe(configHash({ lr: 0.01 }));
    expect(configHash({ lr: 1 })).not.toBe(configHash({ lr: '1' }));
    expect(configHash({})).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
  });
});
