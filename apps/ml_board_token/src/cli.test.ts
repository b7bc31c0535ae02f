import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAccessControl, parseTokensFile } from '@mlgym/server-security';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000, input });

function fileWith(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mlgym-token-cli-')), 'tokens.txt');
  writeFileSync(file, text);
  return file;
}

describe('ml_board_token', () => {
  it('new prints a line the servers accept, and the token in it works with its scope and patterns', () => {
    const made = run(['new', '--scope', 'write', '--name', 'alice', '--grid_searches', '2024-*', 'team-a']);
    expect(made.status, made.stderr).toBe(0);
    const line = made.stdout.trim();
    expect(line).toMatch(/^mlb_\S{43} write name=alice grid_searches=2024-\*,team-a$/);
    const access = createAccessControl({ tokensFile: fileWith(`${line}\n`) });
    const token = line.split(' ')[0];
    expect(access.check(token, 'write', '2024-06-01').ok).toBe(true);
    expect(access.check(token, 'write', 'team-b')).toMatchObject({ ok: false, code: 'AUTH_FORBIDDEN' });
    access.close();
    expect(run(['new', '--scope', 'read']).stdout.trim()).not.toBe(run(['new', '--scope', 'read']).stdout.trim());
  });

  it('new --hashed writes only the hash in the line and shows the token once on stderr', () => {
    const made = run(['new', '--scope', 'read', '--hashed']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^sha256:[0-9a-f]{64} read\n$/);
    const token = /token .*: (mlb_\S+)\n$/.exec(made.stderr)?.[1];
    expect(token).toBeDefined();
    expect(made.stdout).not.toContain(token);
    const access = createAccessControl({ tokensFile: fileWith(made.stdout) });
    expect(access.check(token, 'read', 'any').ok).toBe(true);
    access.close();
    expect(run(['hash'], `${token}\n`).stdout).toBe(made.stdout.split(' ')[0] + '\n');
  });

  it('check reads a file as the servers do; bad flags and bad lines are one line each, non-zero exit', () => {
    const good = run(['check', fileWith('a read\nb write\nc admin name=ops\n')]);
    expect(good.stdout).toMatch(/: 3 token\(s\): 1 read, 1 write, 1 admin\n$/);
    const bad = run(['check', fileWith('a read\nb owner\n')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /^ml_board_token: .*tokens\.txt:2: unknown scope "owner" \(expected read, write or admin\)\n$/,
    );
    for (const [args, message] of [
      [['new'], "required option '--scope <scope>' not specified"],
      [['new', '--scope', 'owner'], "argument 'owner' is invalid. Allowed choices are read, write, admin."],
      [['new', '--scope', 'read', '--name', 'a b'], 'name "a b" (expected letters, digits'],
      [['new', '--scope', 'read', '--grid_searches', '../x'], 'grid search pattern "../x"'],
    ] as const) {
      const r = run([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
    expect(parseTokensFile(run(['new', '--scope', 'admin']).stdout, 'stdin')).toHaveLength(1);
  });
});
