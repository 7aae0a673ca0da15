import { join } from 'node:path';
import { portIsFree } from './ports.ts';
import { startMongo, type MongoServer } from './mongo.ts';
import { startNats, type NatsServer, type StartNatsOptions } from './nats.ts';
import { startNatsCluster, type NatsCluster } from './nats-cluster.ts';
import { startRedis, type RedisServer, type StartRedisOptions } from './redis.ts';

/** Options of {@link startLocalStack}. */
export interface StartLocalStackOptions {
  /** Each server gets a subfolder: `nats/`, `redis/`, `mongo/`; NATS's auth dir is `nats-auth/`. */
  readonly dataDir: string;
  /** Fixed ports, e.g. for a developer stack; default free ports. */
  readonly ports?: { readonly nats?: number; readonly redis?: number; readonly mongo?: number };
  /**
   * Run NATS as a cluster of this many nodes (in `nats-cluster/`, sharing `nats-auth/`)
   * instead of one server; `ports.nats` is then the first node's port, the next nodes take
   * the ports after it when free. Only `syncAlways` of `nats` applies.
   */
  readonly natsCluster?: number;
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
  /** The NATS server; with `natsCluster`, its first node. */
  readonly nats: NatsServer;
  /** The cluster, when `natsCluster` asked for one. */
  readonly natsCluster?: NatsCluster;
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
    options.natsCluster === undefined
      ? startNats({
          authDir: join(options.dataDir, 'nats-auth'),
          ...options.nats,
          dataDir: join(options.dataDir, 'nats'),
          ...portOf(ports.nats),
        })
      : startNatsCluster({
          dataDir: join(options.dataDir, 'nats-cluster'),
          authDir: join(options.dataDir, 'nats-auth'),
          size: options.natsCluster,
          ...(ports.nats === undefined
            ? {}
            : { ports: await clusterPorts(ports.nats, options.natsCluster) }),
          ...(options.nats?.syncAlways === undefined
            ? {}
            : { syncAlways: options.nats.syncAlways }),
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
    const cluster = 'nodes' in nats.value ? nats.value : undefined;
    return {
      natsUrl: nats.value.url,
      redisUrl: redis.value.url,
      mongoUrl: mongo.value.url,
      nats: cluster === undefined ? (nats.value as NatsServer) : cluster.nodes[0]!,
      ...(cluster === undefined ? {} : { natsCluster: cluster }),
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

/** `first`, then the next free ports after it: one per node. */
async function clusterPorts(first: number, size: number): Promise<number[]> {
  const ports = [first];
  for (let p = first + 1; ports.length < size && p < 65_536; p++) {
    if (await portIsFree(p)) ports.push(p);
  }
  return ports;
}

function portOf(port: number | undefined): { port?: number } {
  return port === undefined ? {} : { port };
}
