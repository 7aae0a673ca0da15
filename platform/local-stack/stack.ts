import { join } from 'node:path';
import { startMongo, type MongoServer } from './mongo.ts';
import { startNats, type NatsServer, type StartNatsOptions } from './nats.ts';
import { startRedis, type RedisServer, type StartRedisOptions } from './redis.ts';

/** Options of {@link startLocalStack}. */
export interface StartLocalStackOptions {
  /** Each server gets a subfolder: `nats/`, `redis/`, `mongo/`; NATS's auth dir is `nats-auth/`. */
  readonly dataDir: string;
  /** Fixed ports, e.g. for a developer stack; default free ports. */
  readonly ports?: { readonly nats?: number; readonly redis?: number; readonly mongo?: number };
  /** NATS settings other than where it lives, e.g. `{ syncAlways: false }`. */
  readonly nats?: Omit<StartNatsOptions, 'dataDir' | 'port'>;
  /** Redis settings other than where it lives, e.g. `{ appendOnly: true }`. */
  readonly redis?: Omit<StartRedisOptions, 'dataDir' | 'port'>;
}

/** The three servers TeamPulse needs, running on loopback. */
export interface LocalStack {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly mongoUrl: string;
  readonly nats: NatsServer;
  readonly redis: RedisServer;
  readonly mongo: MongoServer;
  /** Stops all three; resolves once every child has exited. */
  stop(): Promise<void>;
}

/**
 * Start NATS (JetStream), Redis and a MongoDB-wire server in parallel. If one fails the
 * others are stopped before the error is rethrown, so a failed start leaks nothing.
 */
export async function startLocalStack(options: StartLocalStackOptions): Promise<LocalStack> {
  const ports = options.ports ?? {};
  const started = await Promise.allSettled([
    startNats({
      authDir: join(options.dataDir, 'nats-auth'),
      ...options.nats,
      dataDir: join(options.dataDir, 'nats'),
      ...portOf(ports.nats),
    }),
    startRedis({
      ...options.redis,
      dataDir: join(options.dataDir, 'redis'),
      ...portOf(ports.redis),
    }),
    startMongo({ dataDir: join(options.dataDir, 'mongo'), ...portOf(ports.mongo) }),
  ] as const);
  const [nats, redis, mongo] = started;
  if (nats.status === 'fulfilled' && redis.status === 'fulfilled' && mongo.status === 'fulfilled') {
    const servers = [nats.value, redis.value, mongo.value] as const;
    return {
      natsUrl: nats.value.url,
      redisUrl: redis.value.url,
      mongoUrl: mongo.value.url,
      nats: nats.value,
      redis: redis.value,
      mongo: mongo.value,
      async stop() {
        await Promise.all(servers.map((server) => server.stop()));
      },
    };
  }
  await Promise.all(
    started.map((result) =>
      result.status === 'fulfilled' ? result.value.stop() : Promise.resolve(),
    ),
  );
  const failed = started.find((result) => result.status === 'rejected');
  throw failed?.reason;
}

function portOf(port: number | undefined): { port?: number } {
  return port === undefined ? {} : { port };
}
