// npm run bench:rest — checkpoint upload/download throughput (mlgym's undici client beside fetch) against a plain file copy, and
// requests/s of the experiments listing for a grid search with 1,000 experiments.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, fsyncSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { startApp } from './startApp.mjs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HttpGridSearchStore, createRestClient } from '@mlgym/storage';

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
    };
    let downloaded = 0;
    for (let r = 0; r < ROUNDS; r++) {
      rounds.copy.push(await copyOnce());
      rounds.overwrite.push(await overwriteOnce());
      rounds.upload.push(
        await time(() =>
          whole.saveCheckpoint({ gridSearchId: gs, experimentId: 0, epoch: 0 }, [{ name: 'model.bin', bytes }]),
        ),
      );
      rounds.multipart.push(await time(() => multipart(2)));
      rounds.chunked.push(
        await time(() =>
          chunked.saveCheckpoint({ gridSearchId: gs, experimentId: 0, epoch: 1 }, [{ name: 'model.bin', bytes }]),
        ),
      );
      rounds.download.push(
        await time(async () => {
          const files = await whole.loadCheckpoint({ gridSearchId: gs, experimentId: 0, epoch: 0 });
          downloaded = files[0].bytes.length;
        }),
      );
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
    let requests = 0;
    let failures = 0;
    const deadline = performance.now() + LIST_SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < deadline) {
          const r = await fetch(`${url}/grid_searches/${big}/experiments`);
          const body = await r.json();
          if (r.ok && body.length === EXPERIMENTS) requests++;
          else failures++;
        }
      }),
    );
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
      `  one GET of the file, side by side: mlgym's client (undici, sha256 on arrival) ${mbps(SIZE, median(rounds.clientDownload)).toFixed(0)} MB/s, fetch ${mbps(SIZE, median(rounds.fetchDownload)).toFixed(0)} MB/s`,
    );
    console.log(
      `  experiments listing, ${EXPERIMENTS} experiments, 4 concurrent clients: ${listRate.toFixed(1)} requests/s (${failures} failed)`,
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
        listing_requests_per_s_1000_experiments: Number(listRate.toFixed(1)),
        goal_met: {
          upload_at_least_half_copy: mbps(SIZE, uploadSeconds) / copy >= 0.5,
          download_at_least_half_copy: mbps(SIZE, downloadSeconds) / copy >= 0.5,
          listing_without_failures: failures === 0,
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
