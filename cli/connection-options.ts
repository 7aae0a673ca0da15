import type { Command } from 'commander';
import type { ConfigValues } from '../platform/config.ts';
import { variableFlag } from './cli-config.ts';

/** The server flags operator commands take; each overrides its variable. */
export interface ConnectionOptions {
  natsUrl?: string;
  mongoUrl?: string;
  mongoDb?: string;
  redisUrl?: string;
}

/** Adds `--nats-url`, `--mongo-url`, `--mongo-db`, `--redis-url` to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--nats-url <url>', 'NATS server (overrides NATS_URL)', variableFlag('NATS_URL'))
    .option('--mongo-url <url>', 'MongoDB server (overrides MONGO_URL)', variableFlag('MONGO_URL'))
    .option('--mongo-db <name>', 'MongoDB database (overrides MONGO_DB)', variableFlag('MONGO_DB'))
    .option('--redis-url <url>', 'Redis server (overrides REDIS_URL)', variableFlag('REDIS_URL'));
}

/** The connection flags as variable overrides for `cliConfig`. */
export function connectionOverrides(o: ConnectionOptions): ConfigValues {
  return {
    ...(o.natsUrl ? { NATS_URL: o.natsUrl } : {}),
    ...(o.mongoUrl ? { MONGO_URL: o.mongoUrl } : {}),
    ...(o.mongoDb ? { MONGO_DB: o.mongoDb } : {}),
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
  };
}
