// npm run bench:rest — checkpoint upload/download throughput (mlgym's undici client beside fetch) against a plain file copy, and
// requests/s of the experiments listing for a grid search with 1,000 experiments.
// REST_BASELINE=<a built @mlgym/storage's dist/index.js> measures that build's HttpGridSearchStore in the same
// rounds (e.g. the hand-written HTTP client this one replaced: see README, "Benchmarks").
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, fsyncSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { startApp } from './startApp.mjs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Agent, get } from 'node:http';
import { pathToFileURL } from 'node:url';
import { HttpGridSearchStore, createRestClient } from '@mlgym/storage';

const baseline = process.env.REST_BASELINE
  ? await import(pathToFileURL(resolve(process.env.REST_BASELINE)).href)
  : undefined;

/** A multipart/form-data envelope around one file (the original MLgym's upload), without copying the file. */
function multipartFile(field, filename, bytes) {
  const boundary = `mlgym${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    parts: [head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)],
  };
}

const repo = resolve(import.meta.dirname, '..');
const SIZE = Number(process.env.SIZE_MB ?? 200) * 1024 * 1024;
const EXPERIMENTS = 1000;
const LIST_SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const mbps = (bytes, seconds) => bytes / 1e6 / seconds;
const time = async (fn) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

const root = mkdtempSync(join(tmpdir(), 'mlgym-bench-rest-'));
try {
  const bytes = new Uint8Array(randomBytes(SIZE));
  const source = join(root, 'source.bin');
  writeFileSync(source, bytes);
  // The baseline: cp on the same disk, synced like our uploads are, into a new file each round as
  // every upload stores a new file (a temporary renamed into place). Overwriting one copy again and
  // again would flatter cp: on this VM, writing into the page-cache pages of a file just truncated
  // is several times faster than into fresh ones. The previous copy is removed after each round, as
  // the upload's rename frees the file it replaces. This disk's speed also swings a lot, so copies
  // and transfers alternate over ROUNDS rounds and the medians are compared.
  let copies = 0;
  const copyOnce = async () => {
    const target = join(root, `copy-${copies++}.bin`);
    const seconds = await time(async () => {
      execFileSync('cp', [source, target]);
      const fd = openSync(target, 'r');
      fsyncSync(fd);
      closeSync(fd);
    });
    if (copies > 1) rmSync(join(root, `copy-${copies - 2}.bin`));
    return seconds;
  };
  // Shown beside it, not judged: cp over the same file every round.
  const overwriteOnce = () =>
    time(async () => {
      execFileSync('cp', [source, join(root, 'overwritten.bin')]);
      const fd = openSync(join(root, 'overwritten.bin'), 'r');
      fsyncSync(fd);
      closeSync(fd);
    });
  const storage = join(root, 'storage');
  const { child, url } = await startApp('ml_board_rest_endpoint', ['--event_storage_path', storage]);
  try {
    const whole = new HttpGridSearchStore({ baseUrl: url, chunkBytes: SIZE + 1 });
    const client = createRestClient({ baseUrl: url });
    const multipart = async (epoch) => {
      const form = multipartFile('checkpoint_file', 'model.bin', bytes);
      await client.request(`/checkpoints/${gs}/0/${epoch}`, {
        operation: 'multipart upload',
        method: 'POST',
        headers: { 'Content-Type': form.contentType },
        body: form.parts,
      });
    };
    const chunked = new HttpGridSearchStore({ baseUrl: url, chunkBytes: 32 * 1024 * 1024 });
    const baselineStore = baseline && new baseline.HttpGridSearchStore({ baseUrl: url, chunkBytes: SIZE + 1 });
    const gs = '2024-07-07--07-07-07';
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const rounds = {
      copy: [],
      overwrite: [],
      upload: [],
      multipart: [],
      chunked: [],
      download: [],
      fetchDownload: [],
      clientDownload: [],
      baselineUpload: [],
      baselineDownload: [],
    };
    let downloaded = 0;
    const upload = (store, epoch) => () =>
      store.saveCheckpoint({ gridSearchId: gs, experimentId: 0, epoch }, [{ name: 'model.bin', bytes }]);
    const download = (store) => async () => {
      const files = await store.loadCheckpoint({ gridSearchId: gs, experimentId: 0, epoch: 0 });
      downloaded = files[0].bytes.length;
      if (downloaded !== SIZE) throw new Error('download size mismatch');
    };
    for (let r = 0; r < ROUNDS; r++) {
      rounds.copy.push(await copyOnce());
      rounds.overwrite.push(await overwriteOnce());
      // mlgym's client and the baseline take turns going first: the disk and this machine's other
      // load drift between the two measurements, and going second after a transfer is not the same.
      const pair = async (ours, theirs, fn, baselineFn) => {
        const order = r % 2 === 0 ? [ours, theirs] : [theirs, ours];
        for (const into of order) {
          if (into === theirs && !baselineStore) continue;
          into.push(await time(into === ours ? fn : baselineFn));
        }
      };
      await pair(rounds.upload, rounds.baselineUpload, upload(whole, 0), baselineStore && upload(baselineStore, 3));
      rounds.multipart.push(await time(() => multipart(2)));
      rounds.chunked.push(await time(upload(chunked, 1)));
      await pair(rounds.download, rounds.baselineDownload, download(whole), baselineStore && download(baselineStore));
      rounds.fetchDownload.push(
        await time(async () => {
          const r = await fetch(`${url}/checkpoints/${gs}/0/0/model.bin`);
          if ((await r.arrayBuffer()).byteLength !== SIZE) throw new Error('fetch download size mismatch');
        }),
      );
      rounds.clientDownload.push(
        await time(async () => {
          const r = await client.request(`/checkpoints/${gs}/0/0/model.bin`, { operation: 'bench' });
          if (r.body.length !== SIZE) throw new Error('client download size mismatch');
        }),
      );
    }
    const copySeconds = median(rounds.copy);
    const overwrite = mbps(SIZE, median(rounds.overwrite));
    const uploadSeconds = median(rounds.upload);
    const multipartSeconds = median(rounds.multipart);
    const chunkedSeconds = median(rounds.chunked);
    const downloadSeconds = median(rounds.download);
    if (downloaded !== SIZE) throw new Error('download size mismatch');

    // 1,000 experiments, each with a realistic config and three epochs.
    const config = JSON.stringify(
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            join(repo, 'apps/mlgym/dist/cli.js'),
            'run',
            '--dry-run',
            '--json',
            '--config_path',
            join(repo, 'example/grid_search_example/run_config.yml'),
          ],
          { encoding: 'utf8' },
        ),
      )[0].config,
    );
    const big = '2024-08-08--08-08-08';
    for (let e = 0; e < EXPERIMENTS; e++) {
      const dir = join(storage, big, String(e));
      mkdirSync(join(dir, '2'), { recursive: true });
      writeFileSync(join(dir, 'experiment_config.json'), config);
      writeFileSync(join(dir, '2', 'model.bin'), 'x');
    }
    // Latency of a small request (a grid-search config) alone, then while 4 clients list the
    // 1,000 experiments as fast as they can: the listing must not hold the others up.
    // First read of the grid search, through the client that retries: the keep-alive connection of the
    // downloads above may be closed by the server while the configs were written.
    await client.request(`/grid_searches/${big}/experiments`, { operation: 'first listing' });
    writeFileSync(join(storage, big, 'run_config.yml'), 'x: 1\n');
    const small = async () => {
      const t = performance.now();
      const r = await fetch(`${url}/grid_searches/${big}/run_config.yml`);
      await r.text();
      if (!r.ok) throw new Error(`small request failed: ${r.status}`);
      return performance.now() - t;
    };
    const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
    const idleLatencies = [];
    for (let i = 0; i < 50; i++) idleLatencies.push(await small());
    let requests = 0;
    let failures = 0;
    const busyLatencies = [];
    const deadline = performance.now() + LIST_SECONDS * 1000;
    const t0 = performance.now();
    const prober = (async () => {
      while (performance.now() < deadline) {
        busyLatencies.push(await small());
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // The first answer is parsed and checked; the rest must be the same bytes (parsing 2 MB of JSON
    // per request in this process would measure the bench's client, not the server).
    // Clients that take gzip (browsers, the board) get the listing compressed.
    const listingPath = `/grid_searches/${big}/experiments`;
    const plain = (await client.request(listingPath, { operation: 'listing without gzip' })).body;
    if (JSON.parse(Buffer.from(plain).toString()).length !== EXPERIMENTS) throw new Error('listing incomplete');
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    /** One GET through a keep-alive agent: status, headers and the bytes as sent (no decompression). */
    const getRaw = (path, headers) =>
      new Promise((resolve, reject) => {
        get(`${url}${path}`, { agent, headers }, (res) => {
          const parts = [];
          res.on('data', (c) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
          res.on('error', reject);
        }).on('error', reject);
      });
    const zipped = await getRaw(listingPath, { 'accept-encoding': 'gzip' });
    const first = zipped.body;
    if (zipped.headers['content-encoding'] !== 'gzip' || !gunzipSync(first).equals(Buffer.from(plain)))
      throw new Error('gzipped listing differs');
    const listingMb = plain.byteLength / 1e6;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < deadline) {
          const r = await getRaw(listingPath, { 'accept-encoding': 'gzip' });
          if (r.status === 200 && r.body.length === first.byteLength) requests++;
          else failures++;
        }
      }),
    );
    await prober;
    const listRate = requests / ((performance.now() - t0) / 1000);

    const copy = mbps(SIZE, copySeconds);
    console.log(`bench:rest — ${SIZE / 1024 / 1024} MB checkpoint, medians of ${ROUNDS} alternating rounds`);
    console.log(`  plain copy (cp + fsync into a new file): ${copy.toFixed(0)} MB/s`);
    console.log(
      `  (cp + fsync over the same file each round: ${overwrite.toFixed(0)} MB/s; upload ${(mbps(SIZE, uploadSeconds) / overwrite).toFixed(2)}×, download ${(mbps(SIZE, downloadSeconds) / overwrite).toFixed(2)}× of that)`,
    );
    console.log(
      `  upload (PUT, mlgym's client): ${mbps(SIZE, uploadSeconds).toFixed(0)} MB/s (${(mbps(SIZE, uploadSeconds) / copy).toFixed(2)}× copy)`,
    );
    console.log(
      `  upload (multipart POST, original protocol): ${mbps(SIZE, multipartSeconds).toFixed(0)} MB/s (${(mbps(SIZE, multipartSeconds) / copy).toFixed(2)}× copy)`,
    );
    console.log(
      `  upload (32 MB chunks):   ${mbps(SIZE, chunkedSeconds).toFixed(0)} MB/s (${(mbps(SIZE, chunkedSeconds) / copy).toFixed(2)}× copy)`,
    );
    console.log(
      `  download (sha256 checked): ${mbps(SIZE, downloadSeconds).toFixed(0)} MB/s (${(mbps(SIZE, downloadSeconds) / copy).toFixed(2)}× copy)`,
    );
    console.log(
      `  one GET of the file, side by side: mlgym's client (undici dispatch, sha256 on arrival) ${mbps(SIZE, median(rounds.clientDownload)).toFixed(0)} MB/s, fetch ${mbps(SIZE, median(rounds.fetchDownload)).toFixed(0)} MB/s`,
    );
    const baselineUpload = baselineStore ? mbps(SIZE, median(rounds.baselineUpload)) : undefined;
    const baselineDownload = baselineStore ? mbps(SIZE, median(rounds.baselineDownload)) : undefined;
    if (baselineStore)
      console.log(
        `  baseline client (${process.env.REST_BASELINE}), same rounds: upload ${baselineUpload.toFixed(0)} MB/s (${(baselineUpload / copy).toFixed(2)}× copy), download ${baselineDownload.toFixed(0)} MB/s (${(baselineDownload / copy).toFixed(2)}× copy)`,
      );
    console.log(
      `  experiments listing, ${EXPERIMENTS} experiments (${listingMb.toFixed(1)} MB of JSON, ${(first.byteLength / 1e3).toFixed(0)} kB gzipped), 4 concurrent clients: ${listRate.toFixed(1)} requests/s (${failures} failed)`,
    );
    const idleP95 = p95(idleLatencies);
    const busyP95 = p95(busyLatencies);
    console.log(
      `  a small request meanwhile: p95 ${busyP95.toFixed(1)} ms (alone: p95 ${idleP95.toFixed(1)} ms; ${busyLatencies.length} probes)`,
    );
    console.log(
      JSON.stringify({
        bench: 'rest',
        checkpoint_mb: SIZE / 1024 / 1024,
        copy_mb_per_s: Number(copy.toFixed(1)),
        copy_overwrite_mb_per_s: Number(overwrite.toFixed(1)),
        upload_mb_per_s: Number(mbps(SIZE, uploadSeconds).toFixed(1)),
        upload_multipart_mb_per_s: Number(mbps(SIZE, multipartSeconds).toFixed(1)),
        upload_chunked_mb_per_s: Number(mbps(SIZE, chunkedSeconds).toFixed(1)),
        download_mb_per_s: Number(mbps(SIZE, downloadSeconds).toFixed(1)),
        upload_vs_copy: Number((mbps(SIZE, uploadSeconds) / copy).toFixed(3)),
        download_vs_copy: Number((mbps(SIZE, downloadSeconds) / copy).toFixed(3)),
        ...(baselineStore
          ? {
              baseline_upload_mb_per_s: Number(baselineUpload.toFixed(1)),
              baseline_download_mb_per_s: Number(baselineDownload.toFixed(1)),
              baseline_upload_vs_copy: Number((baselineUpload / copy).toFixed(3)),
              baseline_download_vs_copy: Number((baselineDownload / copy).toFixed(3)),
            }
          : {}),
        listing_requests_per_s_1000_experiments: Number(listRate.toFixed(1)),
        small_request_p95_ms_alone: Number(idleP95.toFixed(1)),
        small_request_p95_ms_during_listing: Number(busyP95.toFixed(1)),
        goal_met: {
          upload_at_least_half_copy: mbps(SIZE, uploadSeconds) / copy >= 0.5,
          download_at_least_0_8_copy: mbps(SIZE, downloadSeconds) / copy >= 0.8,
          listing_without_failures: failures === 0,
          listing_at_least_200_per_s: listRate >= 200,
          // Not delayed: the listing never holds the event loop long, so a small request waits at most
          // for a few listings' worth of JSON to be sent (well under 50 ms), not for a scan of the store.
          small_requests_not_delayed_by_listing: busyP95 < Math.max(50, 5 * idleP95),
        },
      }),
    );
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
