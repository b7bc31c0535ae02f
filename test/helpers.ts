import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '..');

/** Polls until `check` holds. */
export async function until(check: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
}

/** Starts a built app (`apps/<name>/dist/cli.js`) and waits for its "listening on http(s)://host:port" line. */
export function startApp(name: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [resolve(repo, 'apps', name, 'dist/cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  let text = '';
  return new Promise<Started>((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const port = /listening on https?:\/\/[^:]+:(\d+)/.exec(text)?.[1];
      if (port) resolvePromise({ child, port: Number(port), output: () => text });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${text}`)));
  });
}

export function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** A free local port (briefly bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Bytes of the newest model checkpoint of experiment 0 of a grid search in a storage folder. */
export function lastModel(root: string, gs: string): Buffer {
  const dir = join(root, gs, '0');
  const epochs = readdirSync(dir)
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .sort((a, b) => b - a);
  return readFileSync(join(dir, String(epochs[0]), 'model.ckpt'));
}
