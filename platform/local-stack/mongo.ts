import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBinary } from './binaries.ts';
import { LocalStackError, LocalStackErrorCode } from './errors.ts';
import type { ManagedServer } from './managed-server.ts';
import { startManaged } from './managed-server.ts';
import { logTail, startServerProcess, type ServerProcess } from './process.ts';

/** Options of {@link startMongo}. */
export interface StartMongoOptions {
  /** Holds the log and the database files. */
  readonly dataDir: string;
  /** Default: a free port. */
  readonly port?: number;
}

/** Which server speaks the MongoDB wire protocol on this machine. */
export type MongoKind = 'mongod' | 'ferretdb';

/** A running MongoDB-wire server. */
export interface MongoServer extends ManagedServer {
  /** `mongodb://127.0.0.1:<port>/` */
  readonly url: string;
  readonly kind: MongoKind;
  readonly dataDir: string;
}

/**
 * Start a MongoDB-wire server on loopback: `mongod` when one is on PATH, else FerretDB
 * with its SQLite backend. FerretDB runs with telemetry disabled twice over (flag and
 * DO_NOT_TRACK), because its default reports to the internet, and without its debug HTTP
 * listener, whose fixed default port would collide between parallel instances. Ready
 * means a driver `ping` answers, not just an accepted TCP connection.
 */
export async function startMongo(options: StartMongoOptions): Promise<MongoServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const logFile = join(dataDir, 'mongo.log');
  const mongod = await ensureBinary('mongod');
  const kind: MongoKind = mongod === undefined ? 'ferretdb' : 'mongod';
  const binary = mongod ?? (await ensureBinary('ferretdb'));
  if (binary === undefined) {
    throw new LocalStackError(
      LocalStackErrorCode.BinaryMissing,
      'no mongod on PATH and ferretdb could not be built (needs Go and the Go module proxy)',
    );
  }
  const launch = async (port: number): Promise<ServerProcess> => {
    let args: string[];
    const env = { ...process.env, DO_NOT_TRACK: 'true' };
    if (kind === 'mongod') {
      await mkdir(join(dataDir, 'db'), { recursive: true });
      args = ['--bind_ip', '127.0.0.1', '--port', String(port), '--dbpath', join(dataDir, 'db')];
    } else {
      await mkdir(join(dataDir, 'sqlite'), { recursive: true });
      await mkdir(join(dataDir, 'state'), { recursive: true });
      args = [
        `--listen-addr=127.0.0.1:${port}`,
        '--handler=sqlite',
        // FerretDB writes each updated document in its own SQLite transaction; in WAL mode
        // synchronous=normal skips the fsync of each commit (measured ~1.4x faster
        // replacements under load). A killed server loses nothing (the WAL is written
        // before a commit returns); only a power cut or kernel crash may lose the last
        // commits, an acceptable trade for this local/test server (Compose runs mongod).
        `--sqlite-url=file:${join(dataDir, 'sqlite')}/?_pragma=synchronous(normal)`,
        `--state-dir=${join(dataDir, 'state')}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ];
    }
    const proc = await startServerProcess({
      name: kind,
      command: binary,
      args,
      logFile,
      port,
      env,
    });
    try {
      await waitForPing(`mongodb://127.0.0.1:${port}/`, 20_000);
    } catch (err) {
      await proc.stop({ timeoutMs: 2_000 });
      throw new LocalStackError(
        LocalStackErrorCode.StartTimeout,
        `${kind} accepted connections but did not answer ping; log ${logFile} ends with:\n${logTail(logFile)}`,
        { cause: err },
      );
    }
    return proc;
  };
  const server = await startManaged(options.port, launch);
  return Object.assign(server, { url: `mongodb://127.0.0.1:${server.port}/`, kind, dataDir });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  // Loaded on demand: only this check needs the driver, the rest of the stack is built-ins.
  const { MongoClient } = await import('mongodb');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new MongoClient(url, {
      serverSelectionTimeoutMS: 1_000,
      connectTimeoutMS: 1_000,
      directConnection: true,
    });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    } finally {
      await client.close();
    }
    await sleep(100);
  }
}
