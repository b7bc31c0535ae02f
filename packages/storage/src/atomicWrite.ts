import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

async function syncAndRename(tmp: string, target: string): Promise<void> {
  const fh = await open(tmp, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, target);
  const dir = await open(dirname(target), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
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
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(MlgymError.fromIssue({ code: 'PAYLOAD_TOO_LARGE', problem: `upload exceeds ${maxBytes} bytes` }));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    const input = Buffer.isBuffer(source) ? [source] : source;
    await pipeline(input as Iterable<Buffer> | Readable, meter, createWriteStream(tmp, { flags: 'wx' }));
    await syncAndRename(tmp, target);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  const sha256 = hash.digest('hex');
  await writeSmallAtomic(digestPath(target), `${sha256} ${size}\n`);
  return { size, sha256 };
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
