import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRestApp } from '@mlgym/rest-endpoint';
import { HttpGridSearchStore, LocalGridSearchStore } from '@mlgym/storage';
import type { GridSearchStore } from '@mlgym/storage';

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

async function httpStore(
  options: { chunkBytes?: number; token?: string } = {},
): Promise<{ store: GridSearchStore; root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-store-http-'));
  const app = createRestApp({ storagePath: root, authToken: options.token });
  await app.init();
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const { port } = server.address() as { port: number };
  return {
    store: new HttpGridSearchStore({
      baseUrl: `http://127.0.0.1:${port}/`,
      chunkBytes: options.chunkBytes,
      authToken: options.token,
    }),
    root,
  };
}

const GS = '2024-05-05--05-05-05';

describe.each([
  [
    'LocalGridSearchStore',
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'mlgym-store-local-'));
      return { store: new LocalGridSearchStore(root) as GridSearchStore, root };
    },
  ],
  ['HttpGridSearchStore', () => httpStore()],
  ['HttpGridSearchStore (chunked, with token)', () => httpStore({ chunkBytes: 1000, token: 'tok' })],
])('%s', (_name, make) => {
  it('stores configs and reports experiments with their last checkpoint', async () => {
    const { store } = await make();
    await store.putConfig(GS, 'grid_search_config.yml', 'a: 1\n');
    await store.putConfig(GS, 'experiment_config.json', JSON.stringify({ model: {} }), 3);
    expect(await store.getConfig(GS, 'grid_search_config.yml')).toBe('a: 1\n');
    expect(await store.getConfig(GS, 'nope.yml')).toBeUndefined();
    expect(await store.experiments(GS)).toEqual([
      { experiment_id: 3, last_checkpoint_id: -1, experiment_config: { model: {} } },
    ]);
    await store.saveCheckpoint({ gridSearchId: GS, experimentId: 3, epoch: 12 }, [
      { name: 'model.bin', bytes: Uint8Array.of(1, 2, 3) },
    ]);
    expect((await store.experiments(GS))[0]!.last_checkpoint_id).toBe(12);
  });

  it('saves, lists, loads and deletes checkpoints byte-exactly', async () => {
    const { store } = await make();
    const model = new Uint8Array(randomBytes(5000));
    const optimizer = new Uint8Array(randomBytes(10));
    for (const epoch of [1, 2, 10]) {
      await store.saveCheckpoint({ gridSearchId: GS, experimentId: 0, epoch }, [
        { name: 'model.bin', bytes: model },
        { name: 'optimizer.bin', bytes: optimizer },
      ]);
    }
    expect(await store.listCheckpoints(GS, 0)).toEqual([10, 2, 1]);
    const loaded = await store.loadCheckpoint({ gridSearchId: GS, experimentId: 0, epoch: 10 });
    expect(loaded.map((f) => f.name)).toEqual(['model.bin', 'optimizer.bin']);
    expect(Buffer.from(loaded[0]!.bytes).equals(Buffer.from(model))).toBe(true);
    await store.deleteCheckpoint({ gridSearchId: GS, experimentId: 0, epoch: 1 });
    await store.deleteCheckpoint({ gridSearchId: GS, experimentId: 0, epoch: 1 });
    expect(await store.listCheckpoints(GS, 0)).toEqual([10, 2]);
  });
});

describe('HttpGridSearchStore errors', () => {
  it('says which endpoint failed when the token is wrong', async () => {
    const { store } = await httpStore({ token: 'right' });
    const wrong = new HttpGridSearchStore({
      baseUrl: (store as HttpGridSearchStore).endpoint,
      authToken: 'wrong',
      attempts: 1,
    });
    await expect(wrong.putConfig(GS, 'run_config.yml', 'x')).rejects.toThrow(
      /store config run_config\.yml \(PUT http:\/\/127\.0\.0\.1:\d+\/grid_searches\/.*HTTP 401.*Check that ml_board_rest_endpoint/s,
    );
  });
});

describe('HttpGridSearchStore chunked uploads', () => {
  it('resumes an interrupted upload: the second try sends only the chunks the server does not have', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-store-resume-'));
    const app = createRestApp({ storagePath: root });
    await app.init();
    // The real endpoint, counting the chunk uploads it is sent; while `failing` names a chunk, that chunk's upload
    // is answered 503 (a server that went away in the middle of the file).
    const chunksSent: number[] = [];
    let failing: number | undefined = 2;
    const server = createServer((req, res) => {
      const chunk = /\/chunks\/(\d+)\?/.exec(req.url ?? '')?.[1];
      if (req.method === 'PUT' && chunk !== undefined) {
        chunksSent.push(Number(chunk));
        if (Number(chunk) === failing) {
          res.writeHead(503, { 'Content-Type': 'text/plain' }).end('going away');
          return;
        }
      }
      app(req, res);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const ref = { gridSearchId: GS, experimentId: 0, epoch: 7 };
    const bytes = new Uint8Array(randomBytes(4500)); // 5 chunks of 1000 bytes, the last one 500

    const first = new HttpGridSearchStore({ baseUrl, chunkBytes: 1000, attempts: 1 });
    await expect(first.saveCheckpoint(ref, [{ name: 'model.bin', bytes }])).rejects.toThrow(/chunk 3 of 5.*HTTP 503/s);
    expect(chunksSent).toEqual([0, 1, 2]);
    expect(existsSync(join(root, GS, '0', '7', 'model.bin'))).toBe(false);

    failing = undefined;
    chunksSent.length = 0;
    const second = new HttpGridSearchStore({ baseUrl, chunkBytes: 1000 });
    await second.saveCheckpoint(ref, [{ name: 'model.bin', bytes }]);
    expect(chunksSent).toEqual([2, 3, 4]);
    expect(readFileSync(join(root, GS, '0', '7', 'model.bin')).equals(Buffer.from(bytes))).toBe(true);
    const [loaded] = await second.loadCheckpoint(ref);
    expect(Buffer.from(loaded!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});
