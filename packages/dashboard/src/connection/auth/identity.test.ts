import { describe, expect, it } from 'vitest';
import { describeIdentity } from './identity';

describe('describeIdentity', () => {
  it('says who a token stands for, or why there is none', () => {
    const base = { auth_required: true, public_reads: false, name: null, scope: null, grid_searches: null } as const;
    expect(describeIdentity({ ...base, auth_required: false, scope: 'admin' })).toBe(
      'no token needed: the endpoint has no authentication',
    );
    expect(describeIdentity(base)).toBe('not signed in: the endpoint asks for a token');
    expect(describeIdentity({ ...base, public_reads: true })).toBe('not signed in (reads are open to everyone)');
    expect(describeIdentity({ ...base, name: 'alice', scope: 'read', grid_searches: ['2024-*'] })).toBe(
      'alice (scope read, grid searches 2024-*)',
    );
    expect(describeIdentity({ ...base, name: '\u202Eecila', scope: 'write' })).toBe(
      '\u2068\u202Eecila\u2069 (scope write, all grid searches)',
    );
  });
});
