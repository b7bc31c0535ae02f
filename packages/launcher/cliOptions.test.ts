import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePort } from './cliOptions.mjs';

/** Parses `--port <value>` as an app's command line does, and what it printed on an error. */
function parse(value: string): { port?: number; error?: string } {
  let error = '';
  const program = new Command('server')
    .exitOverride()
    .configureOutput({ writeErr: (text) => (error += text) })
    .option('--port <port>', 'port to listen on', parsePort, 5001);
  try {
    program.parse(['--port', value], { from: 'user' });
    return { port: program.opts<{ port: number }>().port };
  } catch {
    return { error };
  }
}

describe('the --port option of the server CLIs', () => {
  it('takes a port from 0 (a free one) to 65535', () => {
    expect(parse('0')).toEqual({ port: 0 });
    expect(parse('5002')).toEqual({ port: 5002 });
    expect(parse('65535')).toEqual({ port: 65535 });
  });

  it('refuses anything else with the option named', () => {
    for (const bad of ['65536', '-1', '80.5', 'x', 'NaN'])
      expect(parse(bad).error).toBe(
        `error: option '--port <port>' argument '${bad}' is invalid. expected a port number 0-65535\n`,
      );
  });
});
