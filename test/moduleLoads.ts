// Which modules a command loads: a resolve hook, registered with `--import`, writes every resolved URL to a file.
// Tests use it to show that a light command (--help, --dry-run, a worker) leaves the heavy packages unloaded,
// whatever the machine's load.
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ModuleLoads {
  result: SpawnSyncReturns<string>;
  /** Every file resolved, in order. */
  files: string[];
  /** The npm packages among them (`zod`, `@tensorflow/tfjs-core`, …). */
  packages: Set<string>;
}

/** Runs `node <args>` with the hook and returns what it loaded. */
export function moduleLoads(args: string[], options: { cwd?: string; timeout?: number } = {}): ModuleLoads {
  const dir = mkdtempSync(join(tmpdir(), 'mlgym-loads-'));
  try {
    const hooks = join(dir, 'hooks.mjs');
    const loads = join(dir, 'loads.txt');
    writeFileSync(
      hooks,
      // Appended to a file, synchronously: the hooks run on their own thread, whose buffered stderr can be lost
      // when the command exits right after its last import, and a synchronous write to a pipe fails (EAGAIN)
      // when a loaded machine has not drained it yet.
      "import { appendFileSync } from 'node:fs';\n" +
        'export async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n' +
        `  appendFileSync(${JSON.stringify(loads)}, \`resolved \${r.url}\\n\`);\n  return r;\n}\n`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const result = spawnSync(process.execPath, ['--import', register, ...args], {
      cwd: options.cwd,
      encoding: 'utf8',
      timeout: options.timeout ?? 60_000,
    });
    const resolved = existsSync(loads) ? readFileSync(loads, 'utf8') : '';
    const files = [...resolved.matchAll(/^resolved (file:\S+)$/gm)].map((m) => fileURLToPath(m[1]!));
    const packages = new Set(files.flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? []));
    return { result, files, packages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
