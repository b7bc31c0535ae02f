import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { BackendRecord } from '../backend/selectBackend.js';

/** What does not change while a process lives: asked once per project folder (a `git` start costs ~50 ms). */
const machineOf = new Map<string, { gitCommit: string | null; processor: string; cores: number }>();

function machine(projectDir: string) {
  let known = machineOf.get(projectDir);
  if (!known) {
    let gitCommit: string | null = null;
    try {
      gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: projectDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10_000,
      }).trim();
    } catch {
      gitCommit = null;
    }
    const cpu = cpus();
    known = { gitCommit, processor: cpu[0]?.model ?? 'unknown', cores: cpu.length };
    machineOf.set(projectDir, known);
  }
  return known;
}

/** The training machine, stored as each experiment's system_info.json (the model card reads it). */
export function systemInfo(backend: BackendRecord | undefined, projectDir: string): Record<string, unknown> {
  const { gitCommit, processor, cores } = machine(projectDir);
  return {
    platform: platform(),
    'platform-release': release(),
    architecture: arch(),
    processor,
    num_processor_cores: cores,
    ram: `${Math.round(totalmem() / 1024 ** 3)} GB`,
    'node-version': process.version,
    tfjs_backend: backend ?? null,
    git_commit: gitCommit,
    entry_point_cmd: process.argv.slice(1).join(' '),
    captured_at: new Date().toISOString(),
  };
}
