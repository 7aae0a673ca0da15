import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { aptInstall } from './apt-install.ts';
import { binDir, cacheDir } from './cache-dir.ts';
import {
  buildFerretDb,
  buildNatsCli,
  buildNatsServer,
  FERRETDB_FILE,
  FERRETDB_VERSION,
  goBinary,
  NATS_CLI_VERSION,
  NATS_SERVER_VERSION,
} from './go-build.ts';
import { withDirLock } from './lock.ts';
import { isExecutable, which } from './which.ts';

const execFileAsync = promisify(execFile);

/** The servers the local stack knows how to find or build, and the `nats` CLI. */
export type BinaryName = 'nats-server' | 'ferretdb' | 'redis-server' | 'mongod' | 'nats';

// One lookup per process and name: every test file asks, the answer does not change.
const found = new Map<BinaryName, Promise<string | undefined>>();

/**
 * The absolute path of a server binary, building or installing it on first use.
 *
 * - `nats-server`: the cached build, else `go install` of the pinned version into the
 *   cache, else a `nats-server` on PATH (Debian's is old, but serves JetStream).
 * - `ferretdb`: the cached build of the pinned version and patch set (checked to start),
 *   else built from source into the cache.
 * - `redis-server`: PATH or /usr/bin, else `apt-get install redis-server` when root.
 * - `mongod`: only when on PATH; it cannot be installed here.
 * - `nats`: the analysts' CLI, the cached build of the pinned version, else `go install`
 *   into the cache, else a `nats` on PATH.
 *
 * Resolves undefined when the server cannot be had on this machine. Builds hold a lock in
 * the cache dir, so parallel test workers wait for one build instead of racing.
 */
export function ensureBinary(name: BinaryName): Promise<string | undefined> {
  let pending = found.get(name);
  if (pending === undefined) {
    pending = locate(name);
    found.set(name, pending);
    // A failed lookup (lock timeout, I/O error) may succeed on the next call.
    pending.catch(() => found.delete(name));
  }
  return pending;
}

async function locate(name: BinaryName): Promise<string | undefined> {
  switch (name) {
    case 'nats-server':
      return cachedOrBuilt(name, name, NATS_SERVER_VERSION, '~1 min', buildNatsServer, () =>
        which('nats-server'),
      );
    case 'ferretdb':
      return cachedOrBuilt(
        name,
        FERRETDB_FILE,
        FERRETDB_VERSION,
        '~2 min',
        buildFerretDb,
        () => undefined,
      );
    case 'redis-server':
      return findRedis();
    case 'mongod':
      return which('mongod');
    case 'nats':
      return cachedOrBuilt(name, name, NATS_CLI_VERSION, '~2 min', buildNatsCli, () =>
        which('nats'),
      );
  }
}

type GoBuild = (go: string, outDir: string, logFile: string) => Promise<boolean>;

async function cachedOrBuilt(
  name: 'nats-server' | 'ferretdb' | 'nats',
  file: string,
  version: string,
  duration: string,
  build: GoBuild,
  fallback: () => string | undefined,
): Promise<string | undefined> {
  const dir = binDir();
  const target = join(dir, file);
  if (await runs(target)) return target;
  const go = goBinary();
  if (go !== undefined) {
    await mkdir(dir, { recursive: true });
    const built = await withDirLock(join(cacheDir(), `.lock-${name}`), async () => {
      // Another process may have built it while this one waited for the lock.
      if (await runs(target)) return true;
      const logFile = join(cacheDir(), `build-${name}.log`);
      process.stderr.write(
        `building ${name} ${version} (first run only, ${duration})… log: ${logFile}\n`,
      );
      return (await build(go, dir, logFile)) && (await runs(target));
    });
    if (built) return target;
    process.stderr.write(
      `building ${name} ${version} failed; see ${join(cacheDir(), `build-${name}.log`)}\n`,
    );
  }
  return fallback();
}

/**
 * True when the binary exists and `--version` exits 0. A file alone is not enough: a
 * `go install`ed ferretdb exists but panics at start-up (see go-build.ts).
 */
async function runs(file: string): Promise<boolean> {
  if (!isExecutable(file)) return false;
  try {
    await execFileAsync(file, ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function findRedis(): Promise<string | undefined> {
  const onPath = which('redis-server', ['/usr/bin', '/usr/sbin']);
  if (onPath !== undefined) return onPath;
  await mkdir(cacheDir(), { recursive: true });
  return withDirLock(join(cacheDir(), '.lock-apt'), async () => {
    const again = which('redis-server', ['/usr/bin', '/usr/sbin']);
    if (again !== undefined) return again;
    const logFile = join(cacheDir(), 'install-redis-server.log');
    process.stderr.write(
      `installing redis-server with apt-get (first run only)… log: ${logFile}\n`,
    );
    if (!(await aptInstall('redis-server', logFile))) return undefined;
    return which('redis-server', ['/usr/bin', '/usr/sbin']);
  });
}
