import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRestApp } from './createRestApp.js';
import type { RestAppOptions } from './createRestApp.js';

/** A REST app over a fresh temporary storage folder, for tests. */
export async function testApp(options: Partial<RestAppOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-rest-'));
  const app = createRestApp({ storagePath: root, ...options });
  await app.init();
  return { app, root };
}
