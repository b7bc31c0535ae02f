import { readFile, unlink, writeFile } from 'node:fs/promises';
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

/**
 * Takes an exclusive lock file (pid and host inside). A lock left by a dead process on this host
 * is taken over; a live owner (another server, or this process) is an error naming it.
 */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  const me = `${process.pid}\n${hostname()}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, me, { flag: 'wx' });
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const [pidText, host] = (await readFile(path, 'utf8').catch(() => '')).split('\n');
    const pid = Number(pidText);
    const stale = host === hostname() && Number.isInteger(pid) && pid !== process.pid && !alive(pid);
    if (!stale) {
      throw MlgymError.fromIssue({
        code: 'STORAGE_LOCKED',
        file: path,
        problem: `${what} is already being written by ${pid === process.pid ? 'this process' : `process ${pidText} on ${host ?? 'an unknown host'}`}`,
        hint: 'Two servers must not write the same event log: stop the other one or use another --event_storage_path',
      });
    }
    await unlink(path).catch(() => undefined);
  }
  throw MlgymError.fromIssue({ code: 'STORAGE_LOCKED', file: path, problem: `could not take the lock for ${what}` });
}
