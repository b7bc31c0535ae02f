// The committed bin file of every app calls this. npm links a workspace's bin only if the file exists at install
// time, and dist/ does not exist after a fresh `npm ci`; so each app's bin is a plain script that builds the app
// (and the workspace packages it depends on) the first time it is used, then runs the compiled CLI in-process.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The nearest folder at or above `from` whose package.json declares workspaces (the monorepo root). */
export function workspaceRoot(from) {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).workspaces) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Builds the app owning `appDir` when its `dist/cli.js` is missing: `turbo run build --filter=<name>...` (the app
 * and everything it depends on), with one notice line on stderr (turbo's output only if the build fails, and never on
 * stdout, which may be piped: `mlgym run --json`). Returns the path of the CLI.
 */
export function ensureBuilt(appDir, { stderr = process.stderr } = {}) {
  const cli = join(appDir, 'dist', 'cli.js');
  if (existsSync(cli)) return cli;
  const { name } = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  const root = workspaceRoot(appDir);
  const turbo = root && join(root, 'node_modules', '.bin', 'turbo');
  if (!turbo || !existsSync(turbo)) {
    throw new Error(`${name}: ${cli} is missing and turbo is not installed; run \`npm ci && npm run build\` first`);
  }
  stderr.write(`${name}: first use, building ${name} and what it depends on (turbo run build --filter=${name}...)…\n`);
  // turbo's own summary is noise here; it is shown only when the build fails.
  const built = spawnSync(turbo, ['run', 'build', `--filter=${name}...`, '--output-logs=errors-only'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (built.status !== 0 || !existsSync(cli)) {
    stderr.write(`${built.stdout ?? ''}${built.stderr ?? ''}`);
    throw new Error(`${name}: building failed (${built.error?.message ?? `exit ${built.status}`}); see above`);
  }
  return cli;
}

/** Entry of an app's bin file (`apps/<app>/bin/<name>.mjs`): `await launchCli(import.meta.url)`. */
export async function launchCli(binUrl) {
  const appDir = dirname(dirname(fileURLToPath(binUrl)));
  let cli;
  try {
    cli = ensureBuilt(appDir);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  await import(pathToFileURL(cli).href);
}
