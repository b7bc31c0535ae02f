import { describe, expect, it } from 'vitest';
import { isMlgymError } from '@mlgym/protocol';
import { hashToken, newToken, tokenDigest } from './tokenHash.js';
import { checkIdentity, formatTokenLine, parseTokensFile } from './tokensFile.js';

function problems(text: string): string[] {
  try {
    parseTokensFile(text, 'tokens.txt');
  } catch (error) {
    if (isMlgymError(error)) return error.issues.map((i) => `${i.line}: ${i.problem}`);
    throw error;
  }
  return [];
}

describe('tokens file', () => {
  it('reads plain and hashed tokens with scope, name and grid search patterns; comments and blank lines pass', () => {
    const text = [
      '# the team',
      '',
      'plain-token-1 read',
      `${hashToken('secret-2')} write name=alice grid_searches=2024-*,team-a-?`,
      `  ${hashToken('secret-3').toUpperCase().replace('SHA256:', 'sha256:')}   admin   name=ops  `,
    ].join('\n');
    const entries = parseTokensFile(text, 'tokens.txt');
    expect(entries.map((e) => e.identity)).toEqual([
      { name: null, scope: 'read', grid_searches: null },
      { name: 'alice', scope: 'write', grid_searches: ['2024-*', 'team-a-?'] },
      { name: 'ops', scope: 'admin', grid_searches: null },
    ]);
    expect(
      entries.map((e) => e.digest.equals(tokenDigest(['plain-token-1', 'secret-2', 'secret-3'][entries.indexOf(e)]!))),
    ).toEqual([true, true, true]);
  });

  it('names every bad line with what was expected, and never skips one', () => {
    expect(
      problems(
        [
          'lonely-token',
          'tok owner',
          'sha256:abc read',
          'tok2 read name=has space',
          'tok3 read name=',
          'tok4 read grid_searches=../etc',
          'tok5 read grid_searches=',
          'tok6 read colour=red',
          'tok7 read name=\u202Eevil',
          'tok8 read',
          'tok8 write',
        ].join('\n'),
      ),
    ).toEqual([
      '1: a token without a scope',
      '2: unknown scope "owner"',
      '3: a malformed hash',
      '4: unknown field "space"',
      '5: name ""',
      '6: grid search pattern "../etc"',
      '7: grid search pattern ""',
      '8: unknown field "colour=red"',
      '9: name "\u202Eevil"',
      '11: the same token as line 10',
    ]);
  });

  it('a hashed line and the plain token it was made from are the same token', () => {
    const token = newToken();
    expect(token).toMatch(/^mlb_[A-Za-z0-9_-]{43}$/);
    expect(problems(`${token} read\n${hashToken(token)} write`)).toEqual(['2: the same token as line 1']);
  });

  it('formats the lines it reads, and checks command-line identities by the same rules', () => {
    const identity = { name: 'bob', scope: 'read' as const, grid_searches: ['a-*', 'b'] };
    const line = formatTokenLine('tok', identity);
    expect(line).toBe('tok read name=bob grid_searches=a-*,b');
    expect(parseTokensFile(line, 'f')[0]?.identity).toEqual(identity);
    expect(checkIdentity(identity)).toBeUndefined();
    expect(checkIdentity({ ...identity, grid_searches: ['a/b'] })).toMatch(/grid search pattern "a\/b" \(expected/);
  });
});
