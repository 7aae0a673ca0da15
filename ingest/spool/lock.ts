import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SpoolLockedError } from './errors.ts';

/** Dirs this process holds: a second spool in the same process must be refused too. */
const held = new Set<string>();

/**
 * Takes `dir/LOCK` for this process: the file holds the owner's PID, created exclusively.
 * A lock left by a dead process (SIGKILL, crash) is taken over; one held by another live
 * process, or already by this one, throws {@link SpoolLockedError}. Resolves to the release function.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'LOCK');
  if (held.has(dir)) throw new SpoolLockedError(dir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(`${process.pid}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new SpoolLockedError(dir, pid);
      await unlink(path).catch(() => undefined);
    }
  }
  held.add(dir);
  return async () => {
    held.delete(dir);
    await unlink(path).catch(() => undefined);
  };
}

function isAlive(pid: number): boolean {
  // Our own PID in a lock we do not hold is a previous run's (a container's PID 1, say).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
