import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { precompress } from './precompress';

describe('precompress', () => {
  it('leaves a .br and a .gz beside each text file of the build that decode to it; small and binary files stay alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precompress-'));
    const files = {
      'assets/app-1.js': 'export const answer = 42;\n'.repeat(400),
      'assets/app-1.css': '.row { color: red }\n'.repeat(100),
      'assets/tiny-2.js': 'export {};',
      'assets/font-3.woff2': 'x'.repeat(4000),
    };
    mkdirSync(join(dir, 'assets'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const plugin = precompress();
    const hook = plugin.writeBundle;
    const run = typeof hook === 'function' ? hook : hook?.handler;
    // the hook reads only the output folder and the names of the files written
    await run?.call({} as never, { dir } as never, Object.fromEntries(Object.keys(files).map((f) => [f, {}])) as never);

    for (const name of ['assets/app-1.js', 'assets/app-1.css']) {
      const text = files[name as keyof typeof files];
      expect(brotliDecompressSync(readFileSync(join(dir, `${name}.br`))).toString(), name).toBe(text);
      expect(gunzipSync(readFileSync(join(dir, `${name}.gz`))).toString(), name).toBe(text);
      expect(readFileSync(join(dir, `${name}.br`)).length, name).toBeLessThan(text.length / 10);
    }
    for (const name of ['assets/tiny-2.js', 'assets/font-3.woff2']) {
      expect(existsSync(join(dir, `${name}.br`)), name).toBe(false);
      expect(existsSync(join(dir, `${name}.gz`)), name).toBe(false);
    }
  });
});
