import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessControl } from './accessControl.js';
import type { AccessControl } from './accessControl.js';
import { hashToken } from './tokenHash.js';

const opened: AccessControl[] = [];
afterEach(() => {
  for (const access of opened.splice(0)) access.close();
});
function access(options: Parameters<typeof createAccessControl>[0]) {
  const made = createAccessControl(options);
  opened.push(made);
  return made;
}
function tokensFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mlgym-tokens-')), 'tokens.txt');
  writeFileSync(file, text);
  return file;
}
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('access control', () => {
  it('without tokens everything is open, and whoami says so', () => {
    const open = access({});
    expect(open.authRequired).toBe(false);
    expect(open.check(undefined, 'admin', 'any').ok).toBe(true);
    expect(open.check('whatever', 'write', 'any').ok).toBe(true);
    expect(open.whoami(undefined)).toEqual({
      auth_required: false,
      public_reads: true,
      name: null,
      scope: 'admin',
      grid_searches: null,
    });
  });

  it('--auth_token is one admin token; a missing, empty or wrong token is refused with its code', () => {
    const single = access({ token: 's3cret' });
    expect(single.check('s3cret', 'admin', 'gs').ok).toBe(true);
    expect(single.check(undefined, 'read')).toMatchObject({ ok: false, code: 'AUTH_REQUIRED' });
    expect(single.check('', 'read')).toMatchObject({ ok: false, code: 'AUTH_REQUIRED' });
    expect(single.check('s3cre', 'read')).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    expect(single.check('s3cret\u0000', 'read')).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    expect(single.check('x'.repeat(1_000_000), 'read')).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    expect(single.whoami('s3cret')).toEqual({
      auth_required: true,
      public_reads: false,
      name: null,
      scope: 'admin',
      grid_searches: null,
    });
    expect(single.whoami('nope').scope).toBeNull();
  });

  it('scopes include the smaller ones; patterns limit the grid searches; refusals say why', () => {
    const file = tokensFile(
      [
        'reader read name=rita',
        `${hashToken('writer')} write name=walt grid_searches=2024-*,team-?`,
        'admin admin name=ada',
      ].join('\n'),
    );
    const team = access({ tokensFile: file });
    expect(team.check('reader', 'read', 'x').ok).toBe(true);
    const tooSmall = team.check('reader', 'write', 'x', 'publish events');
    expect(tooSmall).toEqual({
      ok: false,
      code: 'AUTH_FORBIDDEN',
      message: 'the token "rita" has the read scope; to publish events it needs write',
    });
    expect(team.check('writer', 'read', '2024-01-01').ok).toBe(true);
    expect(team.check('writer', 'write', 'team-b').ok).toBe(true);
    expect(team.check('writer', 'admin', 'team-b')).toMatchObject({ code: 'AUTH_FORBIDDEN' });
    expect(team.check('writer', 'read', 'team-bb')).toMatchObject({
      code: 'AUTH_FORBIDDEN',
      message: 'the token "walt" is limited to the grid searches 2024-*, team-?; team-bb is not one of them',
    });
    // A pattern's dash is literal, not a regular expression.
    expect(team.check('writer', 'read', '2024x01').ok).toBe(false);
    expect(team.check('admin', 'admin', 'anything').ok).toBe(true);
    const walt = team.authenticate('writer');
    expect(walt.ok && team.mayRead(walt.principal, '2023-12-31')).toBe(false);
    expect(team.whoami('writer')).toEqual({
      auth_required: true,
      public_reads: false,
      name: 'walt',
      scope: 'write',
      grid_searches: ['2024-*', 'team-?'],
    });
  });

  it('--public_reads lets requests without a token read, not write; a wrong token is still refused', () => {
    const pub = access({ token: 't', publicReads: true });
    expect(pub.check(undefined, 'read', 'gs').ok).toBe(true);
    expect(pub.check(undefined, 'write', 'gs', 'publish')).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(pub.check('wrong', 'read', 'gs')).toMatchObject({ code: 'AUTH_INVALID' });
    expect(pub.whoami(undefined)).toMatchObject({ auth_required: true, public_reads: true, scope: null });
  });

  it('a tokens file that cannot be read or parsed stops the start with its line', () => {
    expect(() => access({ tokensFile: '/nonexistent/tokens.txt' })).toThrow(/tokens file cannot be read \(ENOENT\)/);
    expect(() => access({ tokensFile: tokensFile('ok read\nbad\n') })).toThrow(
      /tokens\.txt:2: a token without a scope/,
    );
  });

  it('reloads the file when it changes (rewritten, or replaced by rename); a bad edit keeps the old tokens', async () => {
    const file = tokensFile('alpha read name=a\n');
    const lines: string[] = [];
    const team = access({ tokensFile: file, log: (l) => lines.push(l) });
    let changes = 0;
    team.onChange(() => changes++);
    expect(team.check('alpha', 'read').ok).toBe(true);

    writeFileSync(file, 'beta write name=b\n');
    await until(() => team.check('beta', 'write').ok);
    expect(team.check('alpha', 'read')).toMatchObject({ code: 'AUTH_INVALID' });
    expect(changes).toBe(1);

    // Editors save by writing a new file and renaming it over the old one.
    writeFileSync(`${file}.tmp`, 'gamma admin\n');
    renameSync(`${file}.tmp`, file);
    await until(() => team.check('gamma', 'admin').ok);
    expect(team.check('beta', 'read').ok).toBe(false);

    writeFileSync(file, 'gamma admin\nbroken\n');
    await until(() => lines.some((l) => l.includes('broken') || l.includes(':2: a token without a scope')));
    expect(lines.at(-1)).toMatch(/tokens\.txt:2: a token without a scope.*the 1 token\(s\) loaded before stay/);
    expect(team.check('gamma', 'admin').ok).toBe(true);

    rmSync(file);
    await until(() => !team.check('gamma', 'read').ok);
    expect(team.check('gamma', 'read')).toMatchObject({ code: 'AUTH_INVALID' });
    expect(await team.reload()).toBe(true);
  });
});
