/** Real servers plus in-process gateways, for the gateway's integration tests. */
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { Db } from 'mongodb';
import { Streams } from '../../schemas/streams.ts';
import { loadConfig, type Config } from '../../platform/config.ts';
import type { Env } from '../../schemas/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { connectMongo, type MongoHandle } from '../../platform/mongo.ts';
import { connectNats, type NatsConnection } from '../../platform/nats.ts';
import { ensureStreams } from '../../platform/streams.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { signToken, tokenKeys, type TokenGrant } from '../auth/mod.ts';
import { startGateway, type Gateway } from '../main.ts';

export const TEST_SECRET = 'gateway-test-secret-gateway-test-secret';

type Overrides = Partial<Record<keyof Env, string>>;

export interface Harness {
  servers: TestServers;
  cfg: Config;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  mongo: MongoHandle | undefined;
  db: Db;
  /** Starts a gateway on a free port (stopped by `stop()` if the test does not). */
  gateway(overrides?: Overrides): Promise<Gateway>;
  /** A token for orgs, valid for `ttlSeconds` (default 10 minutes) from `now` (default now). */
  token(orgs: string[], grant?: Partial<TokenGrant>, now?: number): Promise<string>;
  stop(): Promise<void>;
}

/** NATS (and MongoDB unless `mongo: false`), the UPDATES stream, and a gateway factory. */
export async function startHarness(
  opts: { mongo?: boolean; overrides?: Overrides } = {},
): Promise<Harness> {
  const withMongo = opts.mongo !== false;
  const servers = await useServers({ redis: false, mongo: withMongo });
  const cfg = loadConfig(
    {},
    {
      ...servers.natsEnv('gateway'),
      ...(withMongo ? { MONGO_URL: servers.mongoUrl, MONGO_DB: servers.mongoDbName } : {}),
      GATEWAY_PORT: '0',
      GATEWAY_JWT_SECRETS: TEST_SECRET,
      LOG_LEVEL: 'warn',
      ...opts.overrides,
    },
  );
  // The test's own connection plays the projector and the operator (publishes, purges).
  const nc = await connectNats(
    { ...cfg, NATS_CREDS: servers.creds.admin },
    { name: 'gateway-test', role: 'admin' },
  );
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, cfg, [Streams.updates.name]);
  const mongo = withMongo ? await connectMongo(cfg.MONGO_URL, cfg.MONGO_DB) : undefined;
  const gateways: Gateway[] = [];
  const keys = tokenKeys([TEST_SECRET], cfg.GATEWAY_JWT_AUDIENCE, cfg.GATEWAY_JWT_ISSUER);
  const logger = createLogger({ level: 'warn', role: 'gateway-test' });
  return {
    servers,
    cfg,
    nc,
    js: jetstream(nc),
    jsm,
    mongo,
    get db(): Db {
      if (!mongo) throw new Error('started without mongo');
      return mongo.db;
    },
    async gateway(overrides = {}) {
      const g = await startGateway(loadConfig({}, { ...toOverrides(cfg), ...overrides }), {
        logger,
      });
      gateways.push(g);
      return g;
    },
    token: (orgs, grant = {}, now = Date.now()) =>
      signToken(keys, { ttlSeconds: 600, ...grant, orgs }, now),
    async stop() {
      for (const g of gateways) await g.stop();
      await mongo?.close();
      await nc.drain();
      await servers.stop();
    },
  };
}

function toOverrides(cfg: Config): Overrides {
  return {
    NATS_URL: cfg.NATS_URL,
    ...(cfg.NATS_CREDS === undefined ? {} : { NATS_CREDS: cfg.NATS_CREDS }),
    MONGO_URL: cfg.MONGO_URL,
    MONGO_DB: cfg.MONGO_DB,
    GATEWAY_PORT: '0',
    GATEWAY_JWT_SECRETS: TEST_SECRET,
    GATEWAY_MAX_BACKPRESSURE_BYTES: String(cfg.GATEWAY_MAX_BACKPRESSURE_BYTES),
    GATEWAY_MAX_RESUME_FRAMES: String(cfg.GATEWAY_MAX_RESUME_FRAMES),
    GATEWAY_MAX_RANGE_DAYS: String(cfg.GATEWAY_MAX_RANGE_DAYS),
    ...(cfg.GATEWAY_CORS_ORIGINS === undefined
      ? {}
      : { GATEWAY_CORS_ORIGINS: cfg.GATEWAY_CORS_ORIGINS.join(',') }),
    LOG_LEVEL: cfg.LOG_LEVEL,
  };
}
