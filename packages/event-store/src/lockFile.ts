import { randomUUID } from 'node:crypto';
import { link, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { MlgymError } from '@mlgym/protocol';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ATTEMPTS = 50;

function locked(path: string, what: string, owner: string): MlgymError {
  const [pidText, host] = owner.split('\n');
  return MlgymError.fromIssue({
    code: 'STORAGE_LOCKED',
    file: path,
    problem: `${what} is already being written by ${Number(pidText) === process.pid ? 'this process' : `process ${pidText} on ${host || 'an unknown host'}`}`,
    hint: 'Two servers must not write the same event log: stop the other one or use another --event_storage_path',
  });
}

/** A lock whose owner is a dead process on this host, or that names no process at all. */
function isStale(owner: string): boolean {
  const [pidText, host] = owner.split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return host === hostname() && pid !== process.pid && !alive(pid);
}

/** The generations of a lock: `<path>` is 0, `<path>.<n>` is n. Ascending. */
async function generations(path: string): Promise<number[]> {
  const base = basename(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const out: number[] = [];
  for (const name of names) {
    if (name === base) out.push(0);
    else if (name.startsWith(`${base}.`) && /^[1-9]\d{0,8}$/.test(name.slice(base.length + 1))) {
      out.push(Number(name.slice(base.length + 1)));
    }
  }
  return out.sort((a, b) => a - b);
}

const fileOf = (path: string, generation: number) => (generation === 0 ? path : `${path}.${generation}`);

/**
 * Takes an exclusive lock (pid and host inside). A lock left by a dead process on this host is
 * taken over; a live owner (another server, or this process) is an error naming it.
 *
 * The lock is the highest of `<path>`, `<path>.1`, `<path>.2`, …, each created complete by
 * link(2), which fails when the name exists (like O_EXCL). A start that finds the highest one
 * stale creates the next number: of several starts that judged it stale at once, only one can
 * create that name. Nothing is ever deleted to take over, so no start can remove a lock another
 * one just took; after creating its file a start looks again and yields to any higher one.
 */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  const draft = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.draft`);
  await writeFile(draft, `${process.pid}\n${hostname()}\n`);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const top = (await generations(path)).at(-1);
      if (top !== undefined) {
        const owner = await readFile(fileOf(path, top), 'utf8').catch(() => undefined);
        if (owner === undefined) continue; // released meanwhile
        if (!isStale(owner)) throw locked(fileOf(path, top), what, owner);
      }
      const mine = top === undefined ? 0 : top + 1;
      try {
        await link(draft, fileOf(path, mine));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // another start got it: look again
        throw error;
      }
      const now = await generations(path);
      if (now.at(-1) !== mine) {
        // A start with an older view made a lower one meanwhile… or a higher one exists: yield to it.
        await unlink(fileOf(path, mine)).catch(() => undefined);
        continue;
      }
      // The lower generations are stale locks nobody can take any more: tidy them away.
      for (const older of now.slice(0, -1)) await unlink(fileOf(path, older)).catch(() => undefined);
      return async () => {
        await unlink(fileOf(path, mine)).catch(() => undefined);
      };
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  throw MlgymError.fromIssue({ code: 'STORAGE_LOCKED', file: path, problem: `could not take the lock for ${what}` });
}
