import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureBinary } from './binaries.ts';
import { LocalStackError, LocalStackErrorCode } from './errors.ts';
import type { ManagedServer } from './managed-server.ts';
import { startManaged } from './managed-server.ts';
import { startServerProcess } from './process.ts';

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Holds the log and, with `appendOnly`, the append-only file. */
  readonly dataDir: string;
  /** Default: a free port. */
  readonly port?: number;
  /**
   * Turn the AOF on (default off), fsynced every second (`appendfsync everysec`): what
   * `teampulse up` runs, so its data survives a restart; tests' throw-away servers go without.
   */
  readonly appendOnly?: boolean;
}

/** A running redis-server. */
export interface RedisServer extends ManagedServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly dataDir: string;
}

/**
 * Start redis-server on loopback. No RDB snapshots (`--save ""`): durability, when wanted
 * (`teampulse up`, tests that restart Redis), comes from `appendOnly`.
 */
export async function startRedis(options: StartRedisOptions): Promise<RedisServer> {
  const binary = await ensureBinary('redis-server');
  if (binary === undefined) {
    throw new LocalStackError(
      LocalStackErrorCode.BinaryMissing,
      'no redis-server: `apt-get install -y redis-server` (needs root) or put it on PATH',
    );
  }
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const server = await startManaged(options.port, (port) =>
    startServerProcess({
      name: 'redis-server',
      command: binary,
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        options.appendOnly === true ? 'yes' : 'no',
        // A process crash loses nothing; a power loss up to ~1 s (the projector rebuilds it).
        '--appendfsync',
        'everysec',
        '--dir',
        dataDir,
        '--daemonize',
        'no',
      ],
      logFile: join(dataDir, 'redis-server.log'),
      port,
    }),
  );
  return Object.assign(server, { url: `redis://127.0.0.1:${server.port}`, dataDir });
}
