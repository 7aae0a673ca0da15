import { MongoError } from 'mongodb';
import { NATS_TRANSIENT, REDIS_TRANSIENT } from './classify-error.ts';

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
// @nats-io error classes (core and JetStream): the transient ones, and JetStream's own.
const NATS_NAMES = new Set([
  ...NATS_TRANSIENT,
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
    if (REDIS_NAMES.has(e.name) || REDIS_TRANSIENT.test(e.message)) return Dependency.redis;
    if (NATS_NAMES.has(e.name)) return Dependency.nats;
  }
  return Dependency.other;
}
