import { createHash, randomUUID } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { mkdir, open, realpath, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { MlgymError } from '@mlgym/protocol';
import { openInside, readInside } from './safeFile.js';

export interface WrittenFile {
  size: number;
  sha256: string;
}

/** Temporary files are dot-files: never listed, and swept at start-up after a crash. */
export const TEMP_PREFIX = '.upload-';

export function digestPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.sha256`);
}

/** A digest the uploader declared (a header), checked against the bytes before anything is stored. */
export interface ExpectedDigest {
  algorithm: 'sha256' | 'sha512';
  hex: string;
  /** Where it came from, for the error message. */
  source: string;
}

/**
 * Identifies one version of a file: its inode, size and modification time. A digest record names
 * the version it describes, so a reader holding a descriptor gets that version's digest, never the
 * next upload's.
 */
export function versionKey(info: BigIntStats): string {
  return `${info.ino}:${info.size}:${info.mtimeNs}`;
}

const DIGEST_RECORDS_KEPT = 8;
const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call for the same key has finished (one writer at a time per resource). */
export async function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/**
 * Puts a finished temporary file in place: first its digest record (kept beside the records of the
 * last few versions, for readers still holding them), then the rename. One commit at a time per
 * target, so the newest record always describes the file that is there.
 */
export async function commitFile(tmp: string, target: string, digest: WrittenFile, version: string): Promise<void> {
  await serialized(target, async () => {
    const realDir = await realpath(dirname(target));
    const previous = ((await readInside(digestPath(target), realDir).catch(() => undefined)) ?? Buffer.alloc(0))
      .toString('utf8')
      .split('\n')
      .filter((line) => line.split(' ').length === 3 && line.split(' ')[2] !== version)
      .slice(0, DIGEST_RECORDS_KEPT - 1);
    await writeSmallAtomic(
      digestPath(target),
      [`${digest.sha256} ${digest.size} ${version}`, ...previous].join('\n') + '\n',
    );
    await rename(tmp, target);
  });
  const dir = await open(dirname(target), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
}

/** The recorded digest of the version `info` describes (from fstat of an open descriptor), if any. */
export async function digestOf(file: string, info: BigIntStats, realRoot: string): Promise<WrittenFile | undefined> {
  const text = (await readInside(digestPath(file), realRoot).catch(() => undefined))?.toString('utf8') ?? '';
  const key = versionKey(info);
  const lines = text.split('\n').filter(Boolean);
  for (const line of lines) {
    const [sha256, size, version] = line.split(' ');
    if (version === key && sha256 && size) return { sha256, size: Number(size) };
  }
  // A record of an older version of this software names no version: trust it only if alone and the size fits.
  const [sha256, size, version] = (lines.length === 1 ? (lines[0] as string) : '').split(' ');
  if (sha256 && size && version === undefined && BigInt(size) === info.size) return { sha256, size: Number(size) };
  return undefined;
}

/** Throws BAD_REQUEST naming the header when a computed digest differs from a declared one. */
export function checkDigests(expected: readonly ExpectedDigest[], computed: { sha256: string; sha512?: string }): void {
  for (const e of expected) {
    const actual = e.algorithm === 'sha256' ? computed.sha256 : computed.sha512;
    if (actual !== undefined && actual !== e.hex.toLowerCase()) {
      throw MlgymError.fromIssue({
        code: 'BAD_REQUEST',
        problem: `the body's ${e.algorithm} is ${actual}, but ${e.source} says ${e.hex.toLowerCase()}; nothing was stored`,
        expected: 'a digest of exactly the bytes sent',
      });
    }
  }
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
  expected: readonly ExpectedDigest[] = [],
): Promise<WrittenFile> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `${TEMP_PREFIX}${randomUUID()}.tmp`);
  const hash = createHash('sha256');
  const hash512: Hash | undefined = expected.some((e) => e.algorithm === 'sha512') ? createHash('sha512') : undefined;
  let size = 0;
  // O_EXCL: never an existing file, never a symlink.
  const fh = await open(tmp, 'wx');
  let version: string;
  let sha256: string;
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
      hash512?.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_BYTES) await flush();
    }
    if (pendingBytes > 0) await flush();
    await writing;
    sha256 = hash.digest('hex');
    checkDigests(expected, { sha256, ...(hash512 ? { sha512: hash512.digest('hex') } : {}) });
    await fh.sync();
    version = versionKey(await fh.stat({ bigint: true }));
    await fh.close();
    await commitFile(tmp, target, { size, sha256 }, version);
  } catch (error) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
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
export async function writeSmallAtomic(target: string, content: string | Uint8Array): Promise<void> {
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

/** The recorded sha256 and size of the file now at `file`, if recorded (`realRoot`: the storage root's real path). */
export async function readDigest(file: string, realRoot: string): Promise<WrittenFile | undefined> {
  const fh = await openInside(file, 0, realRoot).catch(() => undefined);
  if (!fh) return undefined;
  try {
    return await digestOf(file, await fh.stat({ bigint: true }), realRoot);
  } finally {
    await fh.close();
  }
}
