import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileEventStorage } from './eventStorage.js';

describe('FileEventStorage', () => {
  it('opens one log per grid search, shared between callers, and lists them', async () => {
    const storage = new FileEventStorage(mkdtempSync(join(tmpdir(), 'mlgym-storage-')));
    const [a, b] = await Promise.all([storage.log('2023-06-03--10-26-58'), storage.log('2023-06-03--10-26-58')]);
    expect(a).toBe(b);
    await a.append([{ x: 1 }]);
    expect(await storage.list()).toMatchObject([{ grid_search_id: '2023-06-03--10-26-58', event_count: 1 }]);
    await storage.close();
  });

  it('refuses names that would leave the storage root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-storage-'));
    const storage = new FileEventStorage(root);
    for (const bad of ['..', '../x', 'a/b', '/etc', 'a\u0000b', '.hidden', 'x\ny', '']) {
      await expect(storage.log(bad)).rejects.toMatchObject({ code: 'STORAGE_PATH_UNSAFE' });
    }
    const outside = mkdtempSync(join(tmpdir(), 'mlgym-outside-'));
    mkdirSync(join(outside, 'target'));
    symlinkSync(join(outside, 'target'), join(root, 'linked'));
    await expect(storage.log('linked')).rejects.toMatchObject({ code: 'STORAGE_PATH_UNSAFE' });
    await storage.close();
  });
});
