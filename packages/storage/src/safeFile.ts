import { closeSync, constants, fstatSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { open, readlink, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { MlgymError } from '@mlgym/protocol';

const { O_NOFOLLOW, O_RDONLY } = constants;

export function isInside(path: string, realRoot: string): boolean {
  return path === realRoot || path.startsWith(realRoot + sep);
}

function escapes(file: string): MlgymError {
  return MlgymError.fromIssue({
    code: 'STORAGE_PATH_UNSAFE',
    problem: `${file} is a symbolic link or resolves outside the storage root`,
    expected: 'a regular file inside the storage root',
  });
}

function missing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Opens a file inside the storage root without following a symlink anywhere that matters: the
 * parent folder's real path must be inside the root, the last component is opened with
 * O_NOFOLLOW (a symlink fails with ELOOP), and where /proc is available the path of the
 * descriptor actually opened is checked too, so a folder swapped in between is caught.
 */
export async function openInside(file: string, flags: number, realRoot: string, mode = 0o644): Promise<FileHandle> {
  if (!isInside(await realpath(dirname(file)), realRoot)) throw escapes(file);
  let fh: FileHandle;
  try {
    fh = await open(file, flags | O_NOFOLLOW, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw escapes(file);
    throw error;
  }
  const real = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => undefined);
  if (real !== undefined && !isInside(real, realRoot)) {
    await fh.close();
    throw escapes(file);
  }
  return fh;
}

/** A regular file's bytes, read through `openInside`; undefined when it does not exist or is not a file. */
export async function readInside(file: string, realRoot: string): Promise<Buffer | undefined> {
  let fh: FileHandle;
  try {
    fh = await openInside(file, O_RDONLY, realRoot);
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  }
  try {
    if (!(await fh.stat()).isFile()) return undefined;
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * Synchronous `openInside` for short metadata reads (listings): a descriptor of a regular file
 * inside the root, or undefined when it is missing, a symlink, elsewhere or not a file. The caller closes it.
 */
export function openInsideSync(file: string, realRoot: string): number | undefined {
  let fd: number;
  try {
    if (!isInside(realpathSync(dirname(file)), realRoot)) return undefined;
    fd = openSync(file, O_RDONLY | O_NOFOLLOW);
  } catch {
    return undefined; // missing, or a symlink (ELOOP)
  }
  let real: string | undefined;
  try {
    real = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    real = undefined;
  }
  if ((real !== undefined && !isInside(real, realRoot)) || !fstatSync(fd).isFile()) {
    closeSync(fd);
    return undefined;
  }
  return fd;
}
