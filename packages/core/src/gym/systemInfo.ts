import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { BackendRecord } from '../backend/selectBackend.js';

/** The training machine, stored as each experiment's system_info.json (the model card reads it). */
export function systemInfo(backend: BackendRecord | undefined, projectDir: string): Record<string, unknown> {
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: projectDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    gitCommit = null;
  }
  const cpu = cpus();
  return {
    platform: platform(),
    'platform-release': release(),
    architecture: arch(),
    processor: cpu[0]?.model ?? 'unknown',
    num_processor_cores: cpu.length,
    ram: `${Math.round(totalmem() / 1024 ** 3)} GB`,
    'node-version': process.version,
    tfjs_backend: backend ?? null,
    git_commit: gitCommit,
    entry_point_cmd: process.argv.slice(1).join(' '),
    captured_at: new Date().toISOString(),
  };
}
