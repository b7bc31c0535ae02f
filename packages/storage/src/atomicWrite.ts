import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { MlgymError } from '@mlgym/protocol';

export interface WrittenFile {
  size: number;
  sha256: string;
}

/** Temporary files are dot-files: never listed, and swept at start-up after a crash. */
export const TEMP_PREFIX = '.upload-';

export function digestPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.sha256`);
}

/**
 * Streams `source` into `target` atomically: bytes go to a temporary file in the same folder,
 * are hashed on the way, synced, and renamed into place, so a crash or a dropped connection
 * never leaves a half-written file visible. The sha256 is stored beside the file.
 */
export async function writeAtomic(
  target: string,
  source: Readable | Buffer,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<WrittenFile> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `${TEMP_PREFIX}${randomUUID()}.tmp`);
  const hash = createHash('sha256');
  let size = 0;
  const fh = await open(tmp, 'wx');
  try {
    // Socket chunks are small; gathering them into large writes keeps the disk, not syscalls, the limit.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let writing: Promise<unknown> = Promise.resolve();
    // writev hands the socket's pieces to the kernel as they are: no copy into one large block.
    const flush = async () => {
      const pieces = pending;
      pending = [];
      pendingBytes = 0;
      await writing;
      writing = writeAllv(fh, pieces);
    };
    for await (const piece of Buffer.isBuffer(source) ? [source] : source) {
      const chunk = piece as Buffer;
      size += chunk.length;
      if (size > maxBytes)
        throw MlgymError.fromIssue({ code: 'PAYLOAD_TOO_LARGE', problem: `upload exceeds ${maxBytes} bytes` });
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_BYTES) await flush();
    }
    if (pendingBytes > 0) await flush();
    await writing;
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
  } catch (error) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  const dir = await open(dirname(target), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
  const sha256 = hash.digest('hex');
  await writeSmallAtomic(digestPath(target), `${sha256} ${size}\n`);
  return { size, sha256 };
}

const WRITE_BYTES = 4 * 1024 * 1024;

async function writeAllv(fh: FileHandle, pieces: Buffer[]): Promise<void> {
  let rest = pieces;
  while (rest.length > 0) {
    let written = (await fh.writev(rest)).bytesWritten;
    // A short write (rare on regular files) leaves a tail to retry.
    let i = 0;
    while (i < rest.length && written >= (rest[i] as Buffer).length) written -= (rest[i++] as Buffer).length;
    rest = rest.slice(i);
    if (written > 0 && rest.length > 0) rest[0] = (rest[0] as Buffer).subarray(written);
  }
}

/** Atomic write of a small text file (configs, digests, caches). */
export async function writeSmallAtomic(target: string, content: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `${TEMP_PREFIX}${randomUUID()}.tmp`);
  try {
    await open(tmp, 'wx').then(async (fh) => {
      try {
        await fh.writeFile(content);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    await rename(tmp, target);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

/** The stored sha256 and size of a file, if its digest was recorded. */
export async function readDigest(file: string): Promise<WrittenFile | undefined> {
  const text = await readFile(digestPath(file), 'utf8').catch(() => undefined);
  const [sha256, size] = text?.trim().split(' ') ?? [];
  return sha256 && size ? { sha256, size: Number(size) } : undefined;
}
