import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { MissingBodyError } from '../platform/log/read.ts';
import { ProjectorError, ProjectorErrorCode } from './errors.ts';

/** What happens to a message whose processing threw this error. */
export const Outcome = {
  /** Dead letter now: retrying cannot help (schema-invalid payload, no identity, body gone). */
  poison: 'poison',
  /** Keep the message, retry in-process until the dependency is back; never dead-letter. */
  transient: 'transient',
  /** Leave the message unacked: the projector is stopping. */
  stopping: 'stopping',
  /** nak with backoff; dead letter once the deliveries are used up. */
  failure: 'failure',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

// MongoDB server codes that mean "not now", not "never": shutdown, elections, timeouts.
const MONGO_TRANSIENT_CODES = new Set([
  6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);
// ioredis / Node socket failures and Redis replies that heal by waiting.
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
  'EAI_AGAIN',
]);
/** Redis replies and ioredis messages of a server loading, failing over or unreachable. */
export const REDIS_TRANSIENT =
  /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b|Connection is closed|Command timed out|Stream isn't writeable|Reached the max retries/;
// @nats-io error classes for a connection or request that did not get through.
export const NATS_TRANSIENT: ReadonlySet<string> = new Set([
  'TimeoutError',
  'NoRespondersError',
  'ClosedConnectionError',
  'ConnectionError',
  'DrainingConnectionError',
  'RequestError',
]);

/**
 * The outcome an error calls for. Projector errors carry it in their code; driver errors
 * are transient when the dependency was unreachable or timed out. The cause chain is
 * followed, so a wrapped network error stays transient.
 */
export function classifyError(err: unknown): Outcome {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const outcome = classifyOne(e);
    if (outcome !== undefined) return outcome;
  }
  return Outcome.failure;
}

function classifyOne(e: Error): Outcome | undefined {
  // The body is stored before its log message is published, so a missing one was
  // removed since (bucket limits, a purge): it never comes back.
  if (e instanceof MissingBodyError) return Outcome.poison;
  if (e instanceof ProjectorError) {
    switch (e.code) {
      case ProjectorErrorCode.schemaInvalid:
      case ProjectorErrorCode.identity:
        return Outcome.poison;
      case ProjectorErrorCode.transient:
        return Outcome.transient;
      case ProjectorErrorCode.stopping:
        return Outcome.stopping;
      case ProjectorErrorCode.failed:
      case ProjectorErrorCode.maxDeliveries:
        return Outcome.failure;
    }
  }
  if (
    e instanceof MongoNetworkError ||
    e instanceof MongoServerSelectionError ||
    e instanceof MongoTopologyClosedError ||
    e instanceof MongoNotConnectedError ||
    e instanceof MongoServerClosedError ||
    e instanceof MongoOperationTimeoutError
  ) {
    return Outcome.transient;
  }
  if (e instanceof MongoBulkWriteError && wrapsUnreachable(e)) return Outcome.transient;
  if (e instanceof MongoServerError || e instanceof MongoWriteConcernError) {
    if (typeof e.code === 'number' && MONGO_TRANSIENT_CODES.has(e.code)) return Outcome.transient;
    if (e.hasErrorLabel('RetryableWriteError') || e.hasErrorLabel('ResetPool'))
      return Outcome.transient;
    return undefined;
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && NET_CODES.has(code)) return Outcome.transient;
  if (e.name === 'MaxRetriesPerRequestError' || REDIS_TRANSIENT.test(e.message))
    return Outcome.transient;
  if (NATS_TRANSIENT.has(e.name)) return Outcome.transient;
  return undefined;
}

/**
 * Whether a bulk write (`insertMany`, `bulkWrite`) failed because the server could not be
 * reached. The driver (6.x, bulk/common.js) wraps such a failure of a whole batch in a
 * `MongoBulkWriteError` with no write errors and no `cause`, copying the wrapped error's own
 * fields onto it: `beforeHandshake` from a `MongoNetworkError` (reset, refused, pool
 * cleared, timeout), `reason` from a `MongoServerSelectionError`. Taken for a plain write
 * failure, it used to be nak'ed and, with the server down past the deliveries, dead-lettered
 * after the batch's commits were stored.
 */
function wrapsUnreachable(e: MongoBulkWriteError): boolean {
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  if (writeErrors.length > 0) return false;
  if (Object.hasOwn(e, 'beforeHandshake') || Object.hasOwn(e, 'reason')) return true;
  return e.hasErrorLabel('ResetPool') || e.hasErrorLabel('RetryableWriteError');
}
