#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { main } from './main.js';

const code = await main(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    tty: process.stderr.isTTY === true,
    // a pipe's reader may be slower than the dry run's 570 MB of JSON: wait for it (or for its end)
    drained: () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) => {
            const done = () => {
              for (const e of ['drain', 'close', 'error'] as const) process.stdout.off(e, done);
              resolve();
            };
            for (const e of ['drain', 'close', 'error'] as const) process.stdout.once(e, done);
          })
        : undefined,
  },
  // Worker processes run worker.js beside this file, whether the CLI was started directly or through bin/mlgym.mjs.
  { workerEntry: fileURLToPath(new URL('./worker.js', import.meta.url)) },
);
// A worker keeps running until its job is done; it exits by itself.
if (code >= 0) process.exitCode = code;
