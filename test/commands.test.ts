import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleLoads } from './moduleLoads.js';
import { repo } from './helpers.js';

const APPS = ['mlgym', 'ml_board_ws_endpoint', 'ml_board_rest_endpoint', 'ml_board'];
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { bin?: Record<string, string> };

describe('commands on the PATH', () => {
  it.each(APPS)('%s: a committed, executable bin with a node shebang, linked by npm and named at the root', (app) => {
    const bin = json(join(repo, 'apps', app, 'package.json')).bin?.[app];
    expect(bin).toBe(`./bin/${app}.mjs`);
    const file = join(repo, 'apps', app, bin!);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    accessSync(file, constants.X_OK);
    // The root's bin fields are what `npm link` / `npm install -g .` at the repository root install.
    expect(json(join(repo, 'package.json')).bin?.[app]).toBe(`apps/${app}/bin/${app}.mjs`);
    // What `npx <app>` runs: npm ci links it because the file exists before anything is built.
    const started = Date.now();
    const help = spawnSync(join(repo, 'node_modules/.bin', app), ['--help'], { encoding: 'utf8' });
    const ms = Date.now() - started;
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: ${app} `));
    // Well under a second on an idle machine (about 0.15 s); generous here for a loaded test run.
    expect(ms).toBeLessThan(2_000);
  });

  // What keeps `--help` fast whatever the machine's load: a resolve hook records every module the command loads.
  it.each(APPS)(
    '%s --help loads commander and nothing else from node_modules (the heavy modules load lazily)',
    (app) => {
      const { result: help, files: loaded, packages } = moduleLoads([join(repo, 'node_modules/.bin', app), '--help']);
      expect(help.status, help.stderr).toBe(0);
      expect(loaded.some((f) => f.endsWith(`apps/${app}/dist/cli.js`))).toBe(true);
      expect([...packages]).toEqual(['commander']);
    },
  );
});

describe('@mlgym/launcher', () => {
  // A scratch monorepo whose "turbo" records its arguments and writes the app's dist/cli.js.
  function scratch(turboBody: string) {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-launcher-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', workspaces: ['apps/*'] }));
    const app = join(root, 'apps', 'demo');
    mkdirSync(join(app, 'bin'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'demo', bin: { demo: './bin/demo.mjs' } }));
    mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
    mkdirSync(join(root, 'node_modules', '@mlgym'), { recursive: true });
    symlinkSync(join(repo, 'packages/launcher'), join(root, 'node_modules/@mlgym/launcher'));
    writeFileSync(
      join(app, 'bin', 'demo.mjs'),
      "#!/usr/bin/env node\nimport { launchCli } from '@mlgym/launcher';\nawait launchCli(import.meta.url);\n",
    );
    writeFileSync(join(root, 'node_modules/.bin/turbo'), `#!/bin/sh\n${turboBody}\n`, { mode: 0o755 });
    const run = () => spawnSync(process.execPath, [join(app, 'bin', 'demo.mjs'), 'a', '--b'], { encoding: 'utf8' });
    return { root, app, run };
  }

  it('builds a missing app once, with one notice line on stderr and nothing on stdout, then runs its CLI', () => {
    const { root, run } = scratch(
      'echo "$@" >> turbo.calls; echo "turbo chatter"; mkdir -p apps/demo/dist\n' +
        "echo 'console.log(JSON.stringify(process.argv.slice(2)))' > apps/demo/dist/cli.js",
    );
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('["a","--b"]\n');
    expect(first.stderr).toBe(
      'demo: first use, building demo and what it depends on (turbo run build --filter=demo...)…\n',
    );
    const second = run();
    expect(second.stdout).toBe('["a","--b"]\n');
    expect(second.stderr).toBe('');
    expect(readFileSync(join(root, 'turbo.calls'), 'utf8')).toBe(
      'run build --filter=demo... --output-logs=errors-only\n',
    );
  });

  it('a failed build shows turbo output and exits 1', () => {
    const { run } = scratch('echo "src/x.ts(1,1): error TS1005"; exit 2');
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error TS1005');
    expect(result.stderr).toContain('demo: building failed (exit 2)');
  });
});
