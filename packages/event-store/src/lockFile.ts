import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { MlgymError } from '@mlgym/protocol';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A takeover marker older than this was left by a process killed while taking over. */
const TAKEOVER_STALE_MS = 10_000;
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

function isStale(owner: string): boolean {
  const [pidText, host] = owner.split('\n');
  const pid = Number(pidText);
  return host === hostname() && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
}

/**
 * Takes an exclusive lock file (pid and host inside). A lock left by a dead process on this host
 * is taken over; a live owner (another server, or this process) is an error naming it.
 *
 * Taking over is itself exclusive: only the holder of `<path>.takeover` (created with O_EXCL) may
 * remove a stale lock, and it checks the lock is still the stale one first. Without that, two
 * starts could both judge the old lock stale and the later one would delete the earlier one's
 * fresh lock, leaving two servers on one folder.
 */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  const me = `${process.pid}\n${hostname()}\n`;
  const takeover = `${path}.takeover`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      await writeFile(path, me, { flag: 'wx' });
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readFile(path, 'utf8').catch(() => undefined);
    if (owner === undefined) continue; // released meanwhile
    if (owner !== '' && !isStale(owner)) throw locked(path, what, owner);
    // An empty file is a lock being written right now (writeFile creates, then writes), unless old.
    if (owner === '' && Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0) < TAKEOVER_STALE_MS) {
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    try {
      await writeFile(takeover, me, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - ((await stat(takeover).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > TAKEOVER_STALE_MS) await unlink(takeover).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 10));
      continue; // someone else is taking over: look again
    }
    try {
      if ((await readFile(path, 'utf8').catch(() => undefined)) === owner) await unlink(path).catch(() => undefined);
    } finally {
      await unlink(takeover).catch(() => undefined);
    }
  }
  const owner = await readFile(path, 'utf8').catch(() => '');
  throw owner
    ? locked(path, what, owner)
    : MlgymError.fromIssue({ code: 'STORAGE_LOCKED', file: path, problem: `could not take the lock for ${what}` });
}
