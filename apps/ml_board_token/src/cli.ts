#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SCOPE_DESCRIPTIONS, TOKEN_SCOPES, formatIssue, isMlgymError } from '@mlgym/protocol';
import type { TokenScope } from '@mlgym/protocol';
import {
  TOKENS_FILE_SYNTAX,
  checkIdentity,
  formatTokenLine,
  hashToken,
  newToken,
  parseTokensFile,
} from '@mlgym/server-security';

function fail(message: string): never {
  process.stderr.write(`ml_board_token: ${message}\n`);
  process.exit(2);
}

function patterns(value: string, previous: string[] | undefined): string[] {
  const added = value.split(',').filter((p) => p !== '');
  if (added.length === 0)
    throw new InvalidArgumentError('expected grid search id patterns such as 2024-06-* or team-a-*');
  return [...(previous ?? []), ...added];
}

const program = new Command('ml_board_token')
  .description(
    `Tokens for ml_board_ws_endpoint and ml_board_rest_endpoint (--auth_tokens_file).\nA tokens file line: ${TOKENS_FILE_SYNTAX}`,
  )
  .exitOverride()
  .configureOutput({ writeErr: () => undefined });

program
  .command('new')
  .description('print a tokens file line with a new random token (append it to the file; the servers reload it)')
  .addOption(
    new Option(
      '--scope <scope>',
      `what the token may do: ${TOKEN_SCOPES.map((s) => `${s} (${SCOPE_DESCRIPTIONS[s]})`).join('; ')}`,
    )
      .choices(TOKEN_SCOPES)
      .makeOptionMandatory(),
  )
  .option('--name <name>', 'who it is for (shown by MLboard and in refusals)')
  .option('--grid_searches <patterns...>', 'limit it to grid search ids matching these patterns (* and ?)', patterns)
  .option(
    '--hashed',
    'write only its sha256 in the line (stdout) and print the token itself once on stderr: the file then holds nothing to steal',
    false,
  )
  .action((opts: { scope: TokenScope; name?: string; grid_searches?: string[]; hashed: boolean }) => {
    const identity = { scope: opts.scope, name: opts.name ?? null, grid_searches: opts.grid_searches ?? null };
    const problem = checkIdentity(identity);
    if (problem) fail(problem);
    const token = newToken();
    if (opts.hashed) {
      process.stdout.write(`${formatTokenLine(hashToken(token), identity)}\n`);
      process.stderr.write(`token (give it to its user; the line above holds only its hash): ${token}\n`);
    } else {
      process.stdout.write(`${formatTokenLine(token, identity)}\n`);
    }
  });

program
  .command('hash [token]')
  .description('print the sha256:<hex> form of a token (read from stdin when not given), to store instead of it')
  .action((token: string | undefined) => {
    const value = (token ?? readFileSync(0, 'utf8')).trim();
    if (value === '' || /\s/.test(value)) fail('expected one token (no whitespace)');
    process.stdout.write(`${hashToken(value)}\n`);
  });

program
  .command('check <file>')
  .description('check a tokens file as the servers read it')
  .action((file: string) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      const entries = parseTokensFile(text, file);
      const count = (scope: TokenScope) => entries.filter((e) => e.identity.scope === scope).length;
      process.stdout.write(
        `${file}: ${entries.length} token(s): ${TOKEN_SCOPES.map((s) => `${count(s)} ${s}`).join(', ')}\n`,
      );
    } catch (error) {
      if (!isMlgymError(error)) throw error;
      for (const issue of error.issues) process.stderr.write(`ml_board_token: ${formatIssue(issue)}\n`);
      process.exit(1);
    }
  });

try {
  program.parse();
} catch (error) {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      process.exit(0);
    fail(error.message.replace(/^error: /, ''));
  }
  throw error;
}
