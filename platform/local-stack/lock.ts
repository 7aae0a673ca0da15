import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStackError, LocalStackErrorCode } from './errors.ts';

/** Options of {@link withDirLock}. */
export interface DirLockOptions {
  /** Give up waiting for another holder after this long (a first build takes minutes). */
  readonly waitMs?: number;
  /** A lock older than this is from a crashed holder and is broken. */
  readonly staleMs?: number;
}

const defaults = { waitMs: 15 * 60_000, staleMs: 20 * 60_000 } as const;

/**
 * Run `fn` while holding a lock shared by every process on the machine. `mkdir` is atomic
 * on every local file system, so it works across the parallel vitest workers that would
 * otherwise start the same Go build twice. A holder that died leaves its pid behind; the
 * lock is broken when that pid is gone or the lock is older than `staleMs`.
 */
export async function withDirLock<T>(
  lockDir: string,
  fn: () => Promise<T>,
  options: DirLockOptions = {},
): Promise<T> {
  const waitMs = options.waitMs ?? defaults.waitMs;
  const staleMs = options.staleMs ?? defaults.staleMs;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockDir, staleMs)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new LocalStackError(
        LocalStackErrorCode.LockTimeout,
        `waited ${Math.round(waitMs / 1000)} s for lock ${lockDir}; remove it if no build is running`,
      );
    }
    await sleep(250);
  }
  try {
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function isStale(lockDir: string, staleMs: number): Promise<boolean> {
  try {
    const info = await stat(lockDir);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const pid = Number((await readFile(join(lockDir, 'pid'), 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // ESRCH: the holder is gone. ENOENT: the pid file is not written yet, or the lock
    // vanished meanwhile; neither means stale, the next mkdir attempt sorts it out.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
