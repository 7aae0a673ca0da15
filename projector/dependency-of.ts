import { MongoError } from 'mongodb';

/** The servers a projector waits for, as its wait logs name them. */
export const Dependency = {
  mongodb: 'mongodb',
  redis: 'redis',
  nats: 'nats',
  /** A transient error that names no server (e.g. a lease another projector holds). */
  other: 'other',
} as const;
export type Dependency = (typeof Dependency)[keyof typeof Dependency];

// ioredis' own errors, and the replies Redis gives while it loads or fails over.
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'ReplyError', 'AbortError']);
const REDIS_MESSAGE =
  /Connection is closed|Command timed out|Stream isn't writeable|Reached the max retries|^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b/;
// @nats-io error classes (core and JetStream).
const NATS_NAMES = new Set([
  'TimeoutError',
  'NoRespondersError',
  'ClosedConnectionError',
  'ConnectionError',
  'DrainingConnectionError',
  'RequestError',
  'JetStreamError',
  'JetStreamApiError',
  'JetStreamStatusError',
]);

/**
 * Which server an error came from, for the wait logs ("waiting for redis: Connection is
 * closed"). Follows the cause chain. Pure.
 */
export function dependencyOf(err: unknown): Dependency {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof MongoError) return Dependency.mongodb;
    if (REDIS_NAMES.has(e.name) || REDIS_MESSAGE.test(e.message)) return Dependency.redis;
    if (NATS_NAMES.has(e.name)) return Dependency.nats;
  }
  return Dependency.other;
}
