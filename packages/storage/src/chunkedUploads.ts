import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MlgymError } from '@mlgym/protocol';
import { commitFile, serialized, versionKey, writeSmallAtomic } from './atomicWrite.js';
import type { StorageRoot } from './storageRoot.js';

export const CHUNKS_PREFIX = '.chunks-';
/** A session nobody has added to for this long may be replaced by another upload. */
const SESSION_IDLE_MS = 10 * 60 * 1000;
const { O_RDWR, O_CREAT, O_WRONLY, O_TRUNC } = constants;

export interface ChunkedUploadMeta {
  num_chunks: number;
  chunk_size: number;
  /** The whole file's sha256, when the uploader declared it (`?sha256=`): the session's identity. */
  sha256?: string | undefined;
}

function conflict(problem: string): MlgymError {
  return MlgymError.fromIssue({
    code: 'STORAGE_LOCKED',
    problem,
    hint: 'Another upload of this file is in progress: one writer at a time (declare ?sha256=<whole file> to resume your own)',
  });
}

async function writeAt(fh: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
}

/** What a session holds: its meta, the chunks received (id → "sha256 length"). */
async function sessionState(storage: StorageRoot, dir: string) {
  const metaText = await storage.readText(join(dir, 'meta.json')).catch(() => undefined);
  if (!metaText) return undefined;
  const meta = JSON.parse(metaText) as ChunkedUploadMeta;
  const names = await readdir(dir).catch(() => [] as string[]);
  const received = names
    .filter((n) => /^\d+\.done$/.test(n))
    .map((n) => Number(n.slice(0, -5)))
    .sort((a, b) => a - b);
  return { meta, received };
}

function badRequest(problem: string, expected?: string): MlgymError {
  return MlgymError.fromIssue({ code: 'BAD_REQUEST', problem, expected });
}

/** Where a chunked upload of `<gs>/<exp>/<epoch>/<resource>` keeps its chunks until assembled. */
export interface ChunkTarget {
  gs: string;
  exp: number;
  epoch: number;
  resource: string;
}

/** The state of a chunked upload in progress (its meta and the chunks received), or undefined. */
export async function chunkedUploadState(storage: StorageRoot, t: ChunkTarget) {
  return sessionState(storage, await storage.checked(t.gs, t.exp, t.epoch, `${CHUNKS_PREFIX}${t.resource}`));
}

/**
 * Receives one chunk of a resumable upload (one at a time per file); the last one assembles and commits the file. Chunks that continue the file are written in place into one partial
 * file (no second copy); a chunk ahead of a gap waits in its own part file until the gap fills, so
 * the partial file only ever holds bytes that arrived (no sparse pre-sizing). A chunk counts as
 * received only once synced. One upload per file at a time: a chunk from another upload (another
 * declared `sha256`, or different bytes for a chunk already received) is refused with 409 and
 * drops the mixed session, so a stored file is always exactly one uploader's bytes.
 */
export async function receiveChunk(
  storage: StorageRoot,
  t: ChunkTarget,
  chunk: { meta: ChunkedUploadMeta; chunkId: number; body: Buffer; chunkSha: string },
): Promise<Record<string, unknown>> {
  const epochDir = await storage.ensureDir(t.gs, t.exp, t.epoch);
  const chunkDir = await storage.ensureDir(t.gs, t.exp, t.epoch, `${CHUNKS_PREFIX}${t.resource}`);
  const reset = async () => {
    await rm(chunkDir, { recursive: true, force: true });
    await storage.ensureDir(t.gs, t.exp, t.epoch, `${CHUNKS_PREFIX}${t.resource}`);
  };
  return serialized(chunkDir, () =>
    assemble(storage, { chunkDir, reset, target: join(epochDir, t.resource), ...chunk }),
  );
}

async function assemble(
  storage: StorageRoot,
  c: {
    chunkDir: string;
    reset: () => Promise<void>;
    target: string;
    meta: ChunkedUploadMeta;
    chunkId: number;
    body: Buffer;
    chunkSha: string;
  },
): Promise<Record<string, unknown>> {
  const { chunkDir, meta, chunkId, body } = c;
  let state = await sessionState(storage, chunkDir);
  if (state && (state.meta.sha256 ?? null) !== (meta.sha256 ?? null)) {
    const idle = Date.now() - ((await stat(chunkDir).catch(() => undefined))?.mtimeMs ?? 0);
    if (idle < SESSION_IDLE_MS) throw conflict('a chunk of another upload of this file arrived');
    await c.reset();
    state = undefined;
  }
  if (state && (state.meta.num_chunks !== meta.num_chunks || state.meta.chunk_size !== meta.chunk_size)) {
    throw badRequest(
      `this upload was started with num_chunks ${state.meta.num_chunks} and chunk_size ${state.meta.chunk_size}`,
      'the same values',
    );
  }
  if (!state) await writeSmallAtomic(join(chunkDir, 'meta.json'), JSON.stringify(meta));
  const done = join(chunkDir, `${chunkId}.done`);
  const before = await storage.readText(done);
  if (before !== undefined && before.split(' ')[0] !== c.chunkSha) {
    // Two uploaders are mixing chunks: neither may complete with the other's bytes.
    await rm(chunkDir, { recursive: true, force: true });
    throw conflict(`chunk ${chunkId} was already received with other bytes`);
  }
  const size = meta.chunk_size;
  const data = await storage.open(join(chunkDir, 'data'), O_RDWR | O_CREAT);
  try {
    let contiguous = Math.floor((await data.stat()).size / size);
    if (chunkId <= contiguous) {
      await writeAt(data, body, chunkId * size);
      // Later chunks that were waiting for this gap move in now.
      for (let next = chunkId + 1; next < meta.num_chunks; next++) {
        const part = join(chunkDir, `${next}.part`);
        const bytes = await storage.readBytes(part);
        if (!bytes) break;
        await writeAt(data, bytes, next * size);
        contiguous = next;
      }
      await data.sync();
      for (let next = chunkId + 1; next <= contiguous; next++)
        await unlink(join(chunkDir, `${next}.part`)).catch(() => undefined);
    } else {
      const part = await storage.open(join(chunkDir, `${chunkId}.part`), O_WRONLY | O_CREAT | O_TRUNC);
      try {
        await writeAt(part, body, 0);
        await part.sync();
      } finally {
        await part.close();
      }
    }
    await writeSmallAtomic(done, `${c.chunkSha} ${body.length}`);
    const after = (await sessionState(storage, chunkDir)) ?? { meta, received: [] };
    const progress = { num_chunks: meta.num_chunks, chunk_size: meta.chunk_size, received: after.received };
    const lastDone = await storage.readText(join(chunkDir, `${meta.num_chunks - 1}.done`));
    const total = (meta.num_chunks - 1) * size + Number(lastDone?.split(' ')[1] ?? Number.NaN);
    const info = await data.stat({ bigint: true });
    if (after.received.length < meta.num_chunks || Number(info.size) !== total) return { ...progress, complete: false };
    const hash = createHash('sha256');
    for await (const piece of data.createReadStream({ start: 0, autoClose: false, highWaterMark: 4 * 1024 * 1024 }))
      hash.update(piece as Buffer);
    const digest = { size: total, sha256: hash.digest('hex') };
    if (meta.sha256 !== undefined && meta.sha256 !== digest.sha256) {
      await rm(chunkDir, { recursive: true, force: true });
      throw badRequest(
        `the assembled file's sha256 is ${digest.sha256}, not the declared ${meta.sha256}; nothing was stored`,
      );
    }
    await commitFile(join(chunkDir, 'data'), c.target, digest, versionKey(info));
    await rm(chunkDir, { recursive: true, force: true });
    return { ...progress, complete: true, ...digest };
  } finally {
    await data.close().catch(() => undefined);
  }
}
