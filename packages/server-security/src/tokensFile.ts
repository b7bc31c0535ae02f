import { MlgymError, TOKEN_SCOPES } from '@mlgym/protocol';
import type { MlgymIssue, TokenScope } from '@mlgym/protocol';
import { PATTERN_SYNTAX } from './gridSearchPatterns.js';
import { HASH_PREFIX, digestOfHashed, tokenDigest } from './tokenHash.js';

/** Who a token stands for (the contract's identity: what `GET /whoami` answers). */
export interface TokenIdentity {
  name: string | null;
  scope: TokenScope;
  /** Grid search id patterns the token is limited to; null: every grid search. */
  grid_searches: string[] | null;
}

/** One token as kept in memory: its sha256 only, never the token itself. */
export interface TokenEntry {
  digest: Buffer;
  identity: TokenIdentity;
}

/** Token names are shown to people (MLboard, logs): plain characters only, no spaces or bidi controls. */
const NAME = /^[A-Za-z0-9_.@+-]{1,100}$/;
const NAME_EXPECTED = 'letters, digits and _ . @ + - (at most 100)';
const PATTERNS_EXPECTED = 'grid search id characters (letters, digits, _ . -) with * and ?, separated by commas';

export const TOKENS_FILE_SYNTAX =
  '<token or sha256:<hex>> <read|write|admin> [name=<name>] [grid_searches=<pattern>,<pattern>…]';

interface LineResult {
  entry?: TokenEntry;
  issue?: Omit<MlgymIssue, 'code' | 'file' | 'line'>;
}

function parseLine(fields: string[]): LineResult {
  const [secret, scope, ...options] = fields as [string, string | undefined, ...string[]];
  if (scope === undefined) return { issue: { problem: 'a token without a scope', expected: TOKENS_FILE_SYNTAX } };
  if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
    return { issue: { problem: `unknown scope "${scope}"`, expected: 'read, write or admin' } };
  }
  let digest: Buffer;
  if (secret.startsWith(HASH_PREFIX)) {
    const hashed = digestOfHashed(secret);
    if (!hashed) return { issue: { problem: 'a malformed hash', expected: 'sha256: and 64 hex digits' } };
    digest = hashed;
  } else {
    digest = tokenDigest(secret);
  }
  const identity: TokenIdentity = { name: null, scope: scope as TokenScope, grid_searches: null };
  for (const option of options) {
    const [key, value] = option.split(/=(.*)/s) as [string, string | undefined];
    if (key === 'name' && value !== undefined && NAME.test(value)) identity.name = value;
    else if (key === 'name') {
      return { issue: { problem: `name "${value ?? ''}"`, expected: NAME_EXPECTED } };
    } else if (key === 'grid_searches' && value !== undefined) {
      const patterns = value.split(',');
      const bad = patterns.find((p) => !PATTERN_SYNTAX.test(p));
      if (bad !== undefined) {
        return {
          issue: { problem: `grid search pattern "${bad}"`, expected: PATTERNS_EXPECTED },
        };
      }
      identity.grid_searches = patterns;
    } else {
      return { issue: { problem: `unknown field "${option}"`, expected: TOKENS_FILE_SYNTAX } };
    }
  }
  return { entry: { digest, identity } };
}

/**
 * Parses a tokens file: one token per line with its scope, optionally a name and the grid search id patterns it
 * is limited to; `#` starts a comment line. Every problem is reported with its line; no line is skipped silently.
 */
export function parseTokensFile(text: string, file: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const issues: MlgymIssue[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const { entry, issue } = parseLine(line.split(/\s+/));
    if (issue) return void issues.push({ code: 'CONFIG_INVALID', file, line: i + 1, ...issue });
    if (!entry) return;
    const key = entry.digest.toString('hex');
    const first = seen.get(key);
    if (first !== undefined) {
      return void issues.push({
        code: 'CONFIG_INVALID',
        file,
        line: i + 1,
        problem: `the same token as line ${first}`,
        hint: 'Each token may appear once',
      });
    }
    seen.set(key, i + 1);
    entries.push(entry);
  });
  if (issues.length > 0) throw new MlgymError({ code: 'CONFIG_INVALID', issues });
  return entries;
}

/** A tokens file line for a token (given as itself or as its `sha256:` hash). */
export function formatTokenLine(secret: string, identity: TokenIdentity): string {
  return [
    secret,
    identity.scope,
    ...(identity.name === null ? [] : [`name=${identity.name}`]),
    ...(identity.grid_searches === null ? [] : [`grid_searches=${identity.grid_searches.join(',')}`]),
  ].join(' ');
}

/** Checks a name and patterns given on a command line by the rules of the file. */
export function checkIdentity(identity: TokenIdentity): string | undefined {
  if (identity.name !== null && !NAME.test(identity.name)) return `name "${identity.name}" (expected ${NAME_EXPECTED})`;
  const bad = identity.grid_searches?.find((p) => !PATTERN_SYNTAX.test(p));
  return bad === undefined ? undefined : `grid search pattern "${bad}" (expected ${PATTERNS_EXPECTED})`;
}
