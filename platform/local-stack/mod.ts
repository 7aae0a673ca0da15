/**
 * Real servers (NATS with JetStream, Redis, MongoDB or FerretDB) as child processes on
 * loopback, for tests, benchmarks and a developer stack. Node built-ins only, apart from
 * the MongoDB driver for a readiness ping and `platform/nats-auth` for NATS's auth dir.
 */
export { ensureBinary, type BinaryName } from './binaries.ts';
export { cacheDir, binDir } from './cache-dir.ts';
export { LocalStackError, LocalStackErrorCode } from './errors.ts';
export { FERRETDB_VERSION, NATS_CLI_VERSION, NATS_SERVER_VERSION } from './go-build.ts';
export type { ManagedServer } from './managed-server.ts';
export { startMongo, type MongoKind, type MongoServer, type StartMongoOptions } from './mongo.ts';
export {
  DEFAULT_NATS_MAX_PAYLOAD,
  renderNatsConfig,
  type NatsClusterConfig,
  validateNatsConfig,
  type NatsConfigOptions,
} from './nats-config.ts';
export { startNats, type NatsServer, type StartNatsOptions } from './nats.ts';
export {
  startNatsCluster,
  type NatsCluster,
  type StartNatsClusterOptions,
} from './nats-cluster.ts';
export { freePort } from './ports.ts';
export {
  logTail,
  startServerProcess,
  type ServerProcess,
  type ServerProcessOptions,
} from './process.ts';
export { startRedis, type RedisServer, type StartRedisOptions } from './redis.ts';
export { startLocalStack, type LocalStack, type StartLocalStackOptions } from './stack.ts';
