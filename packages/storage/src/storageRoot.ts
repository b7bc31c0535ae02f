import { mkdir, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { MlgymError, SafeNameSchema } from '@mlgym/protocol';
import { openInside, readInside } from './safeFile.js';

const INTEGER = /^(0|[1-9]\d{0,8})$/;

function unsafe(what: string, value: unknown, expected: string): MlgymError {
  return MlgymError.fromIssue({
    code: 'STORAGE_PATH_UNSAFE',
    keyPath: what,
    problem: `${JSON.stringify(value)} is not a valid ${what}`,
    expected,
  });
}

/** A grid-search id, config or resource name: a safe folder/file name. */
export function safeName(value: unknown, what: string): string {
  if (!SafeNameSchema.safeParse(value).success) {
    throw unsafe(what, value, 'letters, digits, "_", "-" and "." (not leading), no "/" and no ".."');
  }
  return value as string;
}

/** An experiment id or epoch: a non-negative integer written in decimal. */
export function integerName(value: unknown, what: string): number {
  if (typeof value !== 'string' || !INTEGER.test(value)) throw unsafe(what, value, 'a non-negative integer');
  return Number(value);
}

/**
 * The storage folder. Every path is built from validated segments and checked to stay inside the
 * root, following symlinks: a link inside the root that points elsewhere is refused.
 */
export class StorageRoot {
  readonly root: string;
  private real: string | undefined;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    this.real = await realpath(this.root);
  }

  /** Path of validated segments under the root (lexically checked). */
  path(...segments: Array<string | number>): string {
    const target = resolve(this.root, ...segments.map(String));
    if (target !== this.root && !target.startsWith(this.root + sep))
      throw unsafe('path', segments.join('/'), 'a path inside the storage root');
    return target;
  }

  /** Like `path`, and the nearest existing ancestor (or the file itself) must really be inside the root. */
  async checked(...segments: Array<string | number>): Promise<string> {
    const target = this.path(...segments);
    const realRoot = this.real ?? (await realpath(this.root));
    for (let probe = target; ; probe = dirname(probe)) {
      const real = await realpath(probe).catch(() => undefined);
      if (real !== undefined) {
        if (real !== realRoot && !real.startsWith(realRoot + sep))
          throw unsafe('path', segments.join('/'), 'a path inside the storage root');
        return target;
      }
      if (probe === this.root || probe === dirname(probe)) return target;
    }
  }

  /** The root's real path (symlinks resolved); `init` must have run. */
  get realRoot(): string {
    if (this.real === undefined) throw new Error('StorageRoot.init() has not run');
    return this.real;
  }

  /** Opens a file of the store, refusing symlinks and anything resolving outside the root (see `openInside`). */
  async open(file: string, flags: number, mode?: number): Promise<FileHandle> {
    return openInside(this.inside(file), flags, this.real ?? (await realpath(this.root)), mode);
  }

  /** A regular file's bytes, or undefined when missing; symlinks are refused. */
  async readBytes(file: string): Promise<Buffer | undefined> {
    return readInside(this.inside(file), this.real ?? (await realpath(this.root)));
  }

  async readText(file: string): Promise<string | undefined> {
    return (await this.readBytes(file))?.toString('utf8');
  }

  private inside(file: string): string {
    const target = resolve(file);
    if (!target.startsWith(this.root + sep)) throw unsafe('path', file, 'a path inside the storage root');
    return target;
  }

  async ensureDir(...segments: Array<string | number>): Promise<string> {
    const dir = await this.checked(...segments);
    await mkdir(dir, { recursive: true });
    await this.checked(...segments); // the created folder must not have become a way out either
    return dir;
  }
}
