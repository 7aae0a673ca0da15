import { readFile } from 'node:fs/promises';
import {
  AuthorizationError,
  credsAuthenticator,
  nkeyAuthenticator,
  PermissionViolationError,
  tokenAuthenticator,
  UserAuthenticationExpiredError,
  usernamePasswordAuthenticator,
  type Authenticator,
  type ConnectionOptions,
} from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Config } from './config.ts';
import { ConfigError, TeamPulseError } from './errors.ts';
import type { Logger } from './logger.ts';
import { inboxPrefixOf, type NatsRole } from './nats-auth/roles.ts';

export type { NatsConnection };

/** The settings {@link connectNats} reads: where NATS is, who we are, and TLS. */
export type NatsSettings = Pick<
  Config,
  | 'NATS_URL'
  | 'NATS_CREDS'
  | 'NATS_NKEY_SEED_FILE'
  | 'NATS_USER'
  | 'NATS_PASSWORD'
  | 'NATS_TOKEN'
  | 'NATS_TLS_CA'
  | 'NATS_TLS_CERT'
  | 'NATS_TLS_KEY'
>;

/** Options of {@link connectNats}. */
export interface ConnectNatsOptions {
  /** The connection's name, shown by the server (`nats server report connections`). */
  readonly name: string;
  /** Decides the reply-inbox prefix; the role's creds allow that prefix and no other. */
  readonly role: NatsRole;
  /**
   * Where denied publishes/subscribes are reported (the server keeps the connection), and
   * losing and regaining the server (once each, not once per reconnect attempt).
   */
  readonly logger?: Logger;
}

/** NATS refused us (wrong or expired credentials) or could not be reached at start. */
export class NatsConnectError extends TeamPulseError {
  override name = 'NatsConnectError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('nats_connect_failed', message, options);
  }
}

const RECONNECT_WAIT_MS = 500;

const NO_CREDENTIALS =
  'invalid configuration: NATS_CREDS: required (every NATS connection authenticates; ' +
  'or set NATS_NKEY_SEED_FILE, NATS_USER and NATS_PASSWORD, or NATS_TOKEN)';

/**
 * Connects to NATS as `role` and keeps reconnecting for as long as the process lives.
 * With no credentials in the config it throws a {@link ConfigError} naming `NATS_CREDS`;
 * an unreadable credentials file names its variable; credentials the server refuses are
 * a {@link NatsConnectError} in one line.
 */
export async function connectNats(
  cfg: NatsSettings,
  options: ConnectNatsOptions,
): Promise<NatsConnection> {
  const { authenticator, source } = await authenticatorOf(cfg);
  const tls = await tlsOf(cfg);
  const connectOptions: ConnectionOptions = {
    servers: cfg.NATS_URL.split(','),
    name: options.name,
    authenticator,
    inboxPrefix: inboxPrefixOf(options.role),
    maxReconnectAttempts: -1,
    // Every 500 ms (± jitter) while the server is away: back within ~0.5 s of its return.
    reconnectTimeWait: RECONNECT_WAIT_MS,
    waitOnFirstConnect: false,
    // nats.js otherwise builds an Error (with a stack) per request just in case it times
    // out: ~7% of ingest's CPU under load. Our own errors carry the context instead.
    noAsyncTraces: true,
    ...(tls === undefined ? {} : { tls }),
  };
  let nc: NatsConnection;
  try {
    nc = await connect(connectOptions);
  } catch (err) {
    throw connectError(err, cfg.NATS_URL, source);
  }
  if (options.logger !== undefined) void reportStatus(nc, options.logger);
  return nc;
}

async function authenticatorOf(
  cfg: NatsSettings,
): Promise<{ authenticator: Authenticator; source: string }> {
  if (cfg.NATS_CREDS !== undefined) {
    const creds = await readSetting(cfg.NATS_CREDS, 'NATS_CREDS');
    return { authenticator: credsAuthenticator(creds), source: `NATS_CREDS (${cfg.NATS_CREDS})` };
  }
  if (cfg.NATS_NKEY_SEED_FILE !== undefined) {
    const seed = await readSetting(cfg.NATS_NKEY_SEED_FILE, 'NATS_NKEY_SEED_FILE');
    const trimmed = new TextEncoder().encode(new TextDecoder().decode(seed).trim());
    return {
      authenticator: nkeyAuthenticator(trimmed),
      source: `NATS_NKEY_SEED_FILE (${cfg.NATS_NKEY_SEED_FILE})`,
    };
  }
  if (cfg.NATS_USER !== undefined) {
    if (cfg.NATS_PASSWORD === undefined)
      throw new ConfigError('invalid configuration: NATS_PASSWORD: required with NATS_USER');
    return {
      authenticator: usernamePasswordAuthenticator(cfg.NATS_USER, cfg.NATS_PASSWORD),
      source: `NATS_USER ${cfg.NATS_USER}`,
    };
  }
  if (cfg.NATS_TOKEN !== undefined)
    return { authenticator: tokenAuthenticator(cfg.NATS_TOKEN), source: 'NATS_TOKEN' };
  throw new ConfigError(NO_CREDENTIALS);
}

async function tlsOf(cfg: NatsSettings): Promise<ConnectionOptions['tls'] | undefined> {
  if (cfg.NATS_TLS_CA === undefined && cfg.NATS_TLS_CERT === undefined) return undefined;
  // Read here so a wrong path is named by its variable, not by a TLS error later.
  if (cfg.NATS_TLS_CA !== undefined) await readSetting(cfg.NATS_TLS_CA, 'NATS_TLS_CA');
  if (cfg.NATS_TLS_CERT !== undefined) await readSetting(cfg.NATS_TLS_CERT, 'NATS_TLS_CERT');
  if (cfg.NATS_TLS_KEY !== undefined) await readSetting(cfg.NATS_TLS_KEY, 'NATS_TLS_KEY');
  return {
    ...(cfg.NATS_TLS_CA === undefined ? {} : { caFile: cfg.NATS_TLS_CA }),
    ...(cfg.NATS_TLS_CERT === undefined ? {} : { certFile: cfg.NATS_TLS_CERT }),
    ...(cfg.NATS_TLS_KEY === undefined ? {} : { keyFile: cfg.NATS_TLS_KEY }),
  };
}

async function readSetting(path: string, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(`invalid configuration: ${name}: cannot read ${path} (${why})`);
  }
}

function connectError(err: unknown, url: string, source: string): Error {
  if (err instanceof TeamPulseError) return err;
  const said = (err as Error).message;
  if (err instanceof AuthorizationError || err instanceof UserAuthenticationExpiredError) {
    return new NatsConnectError(`NATS at ${url} refused the credentials from ${source}: ${said}`, {
      cause: err,
    });
  }
  return new NatsConnectError(`cannot connect to NATS at ${url}: ${said}`, { cause: err });
}

/**
 * A denied publish or subscribe does not close the connection: say it in the role's log.
 * A lost server is said once when it goes and once when it is back (with how long), not
 * once per reconnect attempt.
 */
async function reportStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  let lostAt: number | undefined;
  for await (const status of nc.status()) {
    if (status.type === 'disconnect') {
      lostAt ??= Date.now();
      logger.warn(
        { server: 'nats', url: status.server, retryEveryMs: RECONNECT_WAIT_MS },
        'NATS connection lost; reconnecting',
      );
      continue;
    }
    if (status.type === 'reconnect') {
      logger.info(
        { server: 'nats', url: status.server, downMs: Date.now() - (lostAt ?? Date.now()) },
        'NATS connection back',
      );
      lostAt = undefined;
      continue;
    }
    if (status.type !== 'error') continue;
    const err = status.error;
    if (err instanceof PermissionViolationError) {
      logger.error(
        { operation: err.operation, subject: err.subject },
        `NATS denied ${err.operation} on ${err.subject}: these credentials lack that permission`,
      );
    } else {
      logger.error({ err: err.message }, 'NATS reported an error');
    }
  }
}
