import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join, relative, resolve } from 'node:path';
import { initAuthDir, type AuthDir } from '../nats-auth/auth-dir.ts';
import type { ManagedServer } from './managed-server.ts';
import { startManaged } from './managed-server.ts';
import { renderNatsConfig, requireNatsServer, type NatsClusterConfig } from './nats-config.ts';
import { startServerProcess } from './process.ts';

/** Options of {@link startNats}. */
export interface StartNatsOptions {
  /** Holds the generated config, the log and JetStream's store (`js/`). */
  readonly dataDir: string;
  /** Default: a free port. */
  readonly port?: number;
  /** Bytes; default 8 MiB as shipped. */
  readonly maxPayload?: number;
  /** `sync_interval: always`; default true. */
  readonly syncAlways?: boolean;
  /**
   * Use this config file instead of a generated one. The server is still forced onto
   * 127.0.0.1:`port` by command-line flags (they override the file), so the helper knows
   * where to wait; the file decides the rest, JetStream included.
   */
  readonly configFile?: string;
  /**
   * The auth dir (`teampulse nats-auth init`) whose fragment the generated config
   * includes; created if missing. Default `<dataDir>/auth`. Ignored with `configFile`.
   */
  readonly authDir?: string;
  /** `server_name`; a cluster needs a distinct one per node. */
  readonly serverName?: string;
  /** Monitoring port (`/healthz` says when JetStream is ready); off unless given. */
  readonly httpPort?: number;
  /** Join a cluster (see {@link startNatsCluster}); ignored with `configFile`. */
  readonly cluster?: NatsClusterConfig;
}

/** A running nats-server with JetStream. */
export interface NatsServer extends ManagedServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly dataDir: string;
  /** The config file the server runs with. */
  readonly configFile: string;
  /** The auth dir the generated config includes; undefined with a given `configFile`. */
  readonly auth: AuthDir | undefined;
}

/**
 * Start nats-server with JetStream on loopback, with its config written into `dataDir`.
 * `restart()` reuses the port and the store, so streams and their messages survive it.
 */
export async function startNats(options: StartNatsOptions): Promise<NatsServer> {
  const binary = await requireNatsServer();
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const generated = join(dataDir, 'nats.conf');
  const configFile = options.configFile === undefined ? generated : resolve(options.configFile);
  // Debian's nats-server (2.9, the fallback when Go cannot build the pinned one) predates
  // `sync_interval` and would reject the config; it keeps its default flush interval.
  const syncAlways = (options.syncAlways ?? true) && (await supportsSyncInterval(binary));
  // Every server TeamPulse starts authenticates every connection (operator/JWT).
  const auth =
    options.configFile === undefined
      ? await initAuthDir(options.authDir ?? join(dataDir, 'auth'))
      : undefined;
  const server = await startManaged(options.port, async (port) => {
    if (options.configFile === undefined) {
      const config = renderNatsConfig({
        port,
        storeDir: join(dataDir, 'js'),
        ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
        syncAlways,
        ...(options.serverName === undefined ? {} : { serverName: options.serverName }),
        ...(options.httpPort === undefined ? {} : { httpPort: options.httpPort }),
        ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
        ...(auth === undefined ? {} : { include: relative(dataDir, auth.fragment) }),
      });
      await writeFile(generated, config);
    }
    return startServerProcess({
      name: 'nats-server',
      command: binary,
      args: ['-c', configFile, '-a', '127.0.0.1', '-p', String(port)],
      logFile: join(dataDir, 'nats-server.log'),
      port,
    });
  });
  return Object.assign(server, {
    url: `nats://127.0.0.1:${server.port}`,
    dataDir,
    configFile,
    auth,
  });
}

const execFileAsync = promisify(execFile);

async function supportsSyncInterval(binary: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(binary, ['--version'], { timeout: 10_000 });
    const match = /v(\d+)\.(\d+)/.exec(stdout);
    if (match === null) return true;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    return major > 2 || (major === 2 && minor >= 10);
  } catch {
    return true;
  }
}
