import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');

/** Starts a built app (`apps/<name>/dist/cli.js`) on a free port; resolves with the child and its URL. */
export function startApp(name, args) {
  const child = spawn(process.execPath, [join(repo, 'apps', name, 'dist/cli.js'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePort, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const port = /listening on http:\/\/[^:]+:(\d+)/.exec(text)?.[1];
      if (port) resolvePort({ child, url: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}
