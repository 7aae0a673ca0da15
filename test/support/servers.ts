/**
 * Real servers for integration and end-to-end tests.
 *
 * Where each server comes from, first match wins:
 * 1. `NATS_URL`, `REDIS_URL`, `MONGO_URL`: servers someone already runs (CI services, a
 *    developer's `scripts/local-stack.ts`). NATS's credentials then come from
 *    `NATS_AUTH_DIR` (one creds file per role) or `NATS_CREDS` (one for every role).
 * 2. Docker through testcontainers, when a Docker engine answers within 2 s.
 * 3. Local binaries through `platform/local-stack`, in a fresh temp dir per call.
 *
 * NATS and Redis start in well under a second, so each call (each test file) gets its own.
 * Every NATS runs with operator/JWT auth on, as shipped: `servers.creds.<role>` is the
 * path of each role's creds file, `servers.natsEnv(role)` the config lines of a role.
 * The MongoDB-wire server is shared by the whole run: vitest's globalSetup
 * (`test/support/global-setup.ts`) starts it once and hands its URL to the workers with
 * `project.provide('teampulseMongoUrl', url)`, read here with `inject`. Isolation between
 * test files comes from the database name, unique per call.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { credsPaths, initAuthDir } from '../../platform/nats-auth/auth-dir.ts';
import { NatsRoles, type NatsRole } from '../../platform/nats-auth/roles.ts';
import {
  renderNatsConfig,
  startLocalStack,
  startMongo,
  startNats,
  startNatsCluster,
  startRedis,
  type NatsCluster,
  type MongoServer,
  type NatsServer,
  type RedisServer,
} from '../../platform/local-stack/mod.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's shared MongoDB-wire server (absent when `MONGO_URL` is set). */
    teampulseMongoUrl: string;
    /** Whether a Docker engine answered when the run started. */
    teampulseDocker: boolean;
  }
}

/** Which servers {@link useServers} should provide; each defaults to true. */
export interface UseServersOptions {
  readonly nats?: boolean;
  readonly redis?: boolean;
  readonly mongo?: boolean;
}

/** Where a server came from: its env URL, a Docker container, or a local child process. */
export type ServerSource = 'env' | 'docker' | 'local' | 'off';

/** The creds file of each role, for a NATS with auth on. */
export type RoleCreds = Readonly<Record<NatsRole, string>>;

/** Servers for one test file. A URL of a server not asked for throws when read. */
export interface TestServers {
  readonly natsUrl: string;
  /** Each role's creds file for this NATS (throws when NATS was not asked for). */
  readonly creds: RoleCreds;
  /** `{ NATS_URL, NATS_CREDS }` of `role`, to spread into `loadConfig` overrides. */
  natsEnv(role: NatsRole): { NATS_URL: string; NATS_CREDS: string };
  readonly redisUrl: string;
  readonly mongoUrl: string;
  /** A database name no other call got (`t_<random>`): the MongoDB server is shared. */
  readonly mongoDbName: string;
  readonly sources: {
    readonly nats: ServerSource;
    readonly redis: ServerSource;
    readonly mongo: ServerSource;
  };
  /** Stops what this call started, drops its database and deletes its temp dir. */
  stop(): Promise<void>;
}

/** One server as a test sees it: where to reach it and how to let it go. */
export interface Provided {
  readonly url: string;
  /** NATS only: the creds file of each role. */
  readonly creds?: RoleCreds;
  readonly source: ServerSource;
  stop(): Promise<void>;
}

/** NATS, Redis and MongoDB for one test file; call `stop()` in `afterAll`. */
export async function useServers(options: UseServersOptions = {}): Promise<TestServers> {
  const dataDir = await mkdtemp(join(tmpdir(), 'teampulse-test-'));
  const mongoDbName = `t_${randomBytes(6).toString('hex')}`;
  const wanted = async (on: boolean | undefined, get: () => Promise<Provided>) =>
    on === false ? undefined : get();
  const results = await Promise.allSettled([
    wanted(options.nats, () => provideNats(dataDir)),
    wanted(options.redis, () => provideRedis(dataDir)),
    wanted(options.mongo, () => provideMongo()),
  ]);
  const [nats, redis, mongo] = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  const stop = async (): Promise<void> => {
    if (mongo !== undefined) await dropDatabase(mongo.url, mongoDbName);
    await Promise.allSettled([nats?.stop(), redis?.stop(), mongo?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  };
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }
  return {
    get natsUrl() {
      return urlOf(nats, 'nats');
    },
    get creds() {
      urlOf(nats, 'nats');
      return nats!.creds!;
    },
    natsEnv(role: NatsRole) {
      return { NATS_URL: urlOf(nats, 'nats'), NATS_CREDS: nats!.creds![role] };
    },
    get redisUrl() {
      return urlOf(redis, 'redis');
    },
    get mongoUrl() {
      return urlOf(mongo, 'mongo');
    },
    mongoDbName,
    sources: {
      nats: nats?.source ?? 'off',
      redis: redis?.source ?? 'off',
      mongo: mongo?.source ?? 'off',
    },
    stop,
  };
}

function urlOf(server: Provided | undefined, name: string): string {
  if (server === undefined) throw new Error(`useServers({ ${name}: false }) did not start ${name}`);
  return server.url;
}

/** Servers a fault-injection test may stop, kill and restart; always local children. */
export interface FaultableServers {
  readonly natsUrl: string;
  readonly creds: RoleCreds;
  natsEnv(role: NatsRole): { NATS_URL: string; NATS_CREDS: string };
  readonly redisUrl: string;
  readonly mongoUrl: string;
  readonly mongoDbName: string;
  readonly nats: NatsServer;
  readonly redis: RedisServer;
  readonly mongo: MongoServer;
  readonly dataDir: string;
  /** Stops all three and deletes their data. */
  stop(): Promise<void>;
}

/** Options of {@link startFaultableServers}. */
export interface FaultableOptions {
  /** Redis AOF on, so data survives a Redis restart; default false. */
  readonly redisAppendOnly?: boolean;
  /** nats-server `sync_interval: always`; default true. */
  readonly natsSyncAlways?: boolean;
}

/**
 * NATS, Redis and MongoDB of this test's own, as local child processes even when Docker or
 * env URLs exist, since the test stops and restarts them (`nats.restart()`, `redis.kill()`).
 */
export async function startFaultableServers(
  options: FaultableOptions = {},
): Promise<FaultableServers> {
  const dataDir = await mkdtemp(join(tmpdir(), 'teampulse-fault-'));
  try {
    const stack = await startLocalStack({
      dataDir,
      nats: { syncAlways: options.natsSyncAlways ?? true },
      redis: { appendOnly: options.redisAppendOnly ?? false },
    });
    const creds = stack.nats.auth!.creds;
    return {
      natsUrl: stack.natsUrl,
      creds,
      natsEnv: (role) => ({ NATS_URL: stack.natsUrl, NATS_CREDS: creds[role] }),
      redisUrl: stack.redisUrl,
      mongoUrl: stack.mongoUrl,
      mongoDbName: `t_${randomBytes(6).toString('hex')}`,
      nats: stack.nats,
      redis: stack.redis,
      mongo: stack.mongo,
      dataDir,
      async stop() {
        await stack.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** A 3-node NATS cluster, Redis and MongoDB a test may kill and restart node by node. */
export interface FaultableCluster {
  /** Every node's URL, comma-separated (what `NATS_URL` takes). */
  readonly natsUrl: string;
  readonly creds: RoleCreds;
  natsEnv(role: NatsRole): { NATS_URL: string; NATS_CREDS: string };
  readonly cluster: NatsCluster;
  readonly redisUrl: string;
  readonly mongoUrl: string;
  readonly mongoDbName: string;
  readonly dataDir: string;
  /** Stops everything this call started and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A NATS cluster of `size` (default 3) local nodes with the shipped auth and
 * `sync_interval: always`, plus Redis and the run's MongoDB, for tests that kill nodes.
 */
export async function startFaultableCluster(
  options: { readonly size?: number } = {},
): Promise<FaultableCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'teampulse-cluster-'));
  const mongoDbName = `t_${randomBytes(6).toString('hex')}`;
  const results = await Promise.allSettled([
    startNatsCluster({ dataDir: join(dataDir, 'nats'), size: options.size ?? 3 }),
    provideRedis(dataDir),
    provideMongo(),
  ] as const);
  const [cluster, redis, mongo] = results;
  const stop = async (): Promise<void> => {
    if (mongo.status === 'fulfilled') await dropDatabase(mongo.value.url, mongoDbName);
    await Promise.allSettled(
      results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : Promise.resolve())),
    );
    await rm(dataDir, { recursive: true, force: true });
  };
  if (
    cluster.status !== 'fulfilled' ||
    redis.status !== 'fulfilled' ||
    mongo.status !== 'fulfilled'
  ) {
    await stop();
    throw results.find((r) => r.status === 'rejected')?.reason;
  }
  const creds = cluster.value.auth.creds;
  return {
    natsUrl: cluster.value.url,
    creds,
    natsEnv: (role) => ({ NATS_URL: cluster.value.url, NATS_CREDS: creds[role] }),
    cluster: cluster.value,
    redisUrl: redis.value.url,
    mongoUrl: mongo.value.url,
    mongoDbName,
    dataDir,
    stop,
  };
}

// --- NATS and Redis: one per call -------------------------------------------------------

async function provideNats(dataDir: string): Promise<Provided> {
  const fromEnv = process.env.NATS_URL;
  if (fromEnv) {
    return { url: fromEnv, creds: envCreds(), source: 'env', stop: async () => undefined };
  }
  if (await dockerAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    // The same config as the local server, from the same function (0.0.0.0 inside the
    // container, so the mapped port reaches it), with the same auth fragment beside it.
    const auth = await initAuthDir(join(dataDir, 'nats-auth'));
    const config = renderNatsConfig({
      host: '0.0.0.0',
      port: 4222,
      storeDir: '/data/js',
      include: 'auth/nats-auth.conf',
    });
    const container = await new GenericContainer('nats:2.11')
      .withCopyContentToContainer([{ content: config, target: '/etc/teampulse/nats.conf' }])
      .withCopyFilesToContainer([
        { source: auth.fragment, target: '/etc/teampulse/auth/nats-auth.conf' },
      ])
      .withCommand(['-c', '/etc/teampulse/nats.conf', '-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    return {
      url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`,
      creds: auth.creds,
      source: 'docker',
      stop: async () => void (await container.stop()),
    };
  }
  const server = await startNats({ dataDir: join(dataDir, 'nats') });
  return { url: server.url, creds: server.auth!.creds, source: 'local', stop: () => server.stop() };
}

/** Credentials of a NATS given by `NATS_URL`: an auth dir's per-role files, or one creds file. */
function envCreds(): RoleCreds {
  const dir = process.env.NATS_AUTH_DIR;
  if (dir) return credsPaths(dir);
  const one = process.env.NATS_CREDS;
  if (one) return Object.fromEntries(NatsRoles.map((role) => [role, one])) as RoleCreds;
  throw new Error(
    'NATS_URL is set but neither NATS_AUTH_DIR nor NATS_CREDS: every NATS connection authenticates',
  );
}

async function provideRedis(dataDir: string): Promise<Provided> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, source: 'env', stop: async () => undefined };
  if (await dockerAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('redis:7')
      .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      source: 'docker',
      stop: async () => void (await container.stop()),
    };
  }
  const server = await startRedis({ dataDir: join(dataDir, 'redis') });
  return { url: server.url, source: 'local', stop: () => server.stop() };
}

// --- MongoDB: one per run ---------------------------------------------------------------

// The shared server outlives every call, so a call's stop() leaves it running.
const keepRunning = async (): Promise<void> => undefined;

async function provideMongo(): Promise<Provided> {
  const fromEnv = process.env.MONGO_URL;
  if (fromEnv) return { url: fromEnv, source: 'env', stop: keepRunning };
  const injected = fromSetup('teampulseMongoUrl');
  if (typeof injected === 'string' && injected !== '') {
    return {
      url: injected,
      source: (await dockerAvailable()) ? 'docker' : 'local',
      stop: keepRunning,
    };
  }
  // No globalSetup ran (a unit-tier file, or a script outside vitest): one server for this
  // process, started on first use and ended with it (local-stack kills its children).
  if (processMongo === undefined) {
    processMongo = startSharedMongo();
    // A failed start may work on the next call (e.g. after a build lock timed out).
    processMongo.catch(() => (processMongo = undefined));
  }
  const shared = await processMongo;
  return { url: shared.url, source: shared.source, stop: keepRunning };
}

let processMongo: Promise<Provided> | undefined;

/**
 * Start the MongoDB-wire server a whole test run shares: a `mongo:7` container when
 * Docker answers, else mongod or FerretDB from local binaries in a temp dir that its
 * `stop()` deletes. Used by the globalSetup; tests call {@link useServers} instead.
 */
export async function startSharedMongo(): Promise<Provided> {
  if (await dockerAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('mongo:7')
      .withExposedPorts(27017)
      .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
      .start();
    return {
      url: `mongodb://${container.getHost()}:${container.getMappedPort(27017)}/`,
      source: 'docker',
      stop: async () => void (await container.stop()),
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'teampulse-mongo-'));
  try {
    const server = await startMongo({ dataDir });
    return {
      url: server.url,
      source: 'local',
      async stop() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2_000 });
  try {
    await client.db(name).dropDatabase();
  } catch {
    // Best effort: the shared server is deleted at the end of the run anyway.
  } finally {
    await client.close();
  }
}

// --- Docker detection -------------------------------------------------------------------

let dockerAnswer: Promise<boolean> | undefined;

/**
 * Whether a Docker engine answers `/_ping` within 2 s; asked once per process and, in
 * workers, taken from the globalSetup's answer. `TEAMPULSE_TEST_DOCKER=0` forces local
 * binaries even where Docker runs.
 */
export function dockerAvailable(): Promise<boolean> {
  dockerAnswer ??= (async () => {
    if (process.env.TEAMPULSE_TEST_DOCKER === '0') return false;
    const provided = fromSetup('teampulseDocker');
    if (typeof provided === 'boolean') return provided;
    return pingDocker(2_000);
  })();
  return dockerAnswer;
}

function pingDocker(timeoutMs: number): Promise<boolean> {
  const target = dockerEndpoint();
  if (target === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Where the Docker API listens: DOCKER_HOST, else the usual socket paths. */
function dockerEndpoint(): { socketPath: string } | { host: string; port: number } | undefined {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost?.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost?.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  const candidates = [
    '/var/run/docker.sock',
    join(homedir(), '.docker', 'run', 'docker.sock'),
    ...(process.env.XDG_RUNTIME_DIR ? [join(process.env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
  ];
  const socketPath = candidates.find((path) => existsSync(path));
  return socketPath === undefined ? undefined : { socketPath };
}

/** `inject`, or undefined outside a vitest worker (scripts, the globalSetup itself). */
function fromSetup<K extends 'teampulseMongoUrl' | 'teampulseDocker'>(key: K): unknown {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}
