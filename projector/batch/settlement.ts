import { classifyError, Outcome } from '../classify-error.ts';
import { ProjectorErrorCode } from '../errors.ts';

/** How often, and how far apart, a failing message is tried before it is given up. */
export interface RetryPolicy {
  /** Tries in all (live: deliveries) before a failure is given up. */
  readonly maxDeliver: number;
  /** Wait before try n + 1 after try n failed: `backoffMs[n - 1]` (the last one repeats). */
  readonly backoffMs: readonly number[];
}

/** What becomes of a message that failed with a poison or failure outcome. */
export type Settlement =
  /** Left out of the read models: live dead-letters and terms it, a rebuild skips and counts it. */
  | { readonly action: 'drop'; readonly code: string }
  /** Tried again after a delay: live naks it, a rebuild re-runs it alone. */
  | { readonly action: 'retry'; readonly delayMs: number };

/**
 * The one decision for a failed message, the same for live projection and a rebuild:
 * poison (schema-invalid, no identity, body missing) is dropped at once with its own code;
 * any other failure is retried with backoff and dropped as `projection_failed` once its
 * `attempts` reach `maxDeliver`. Transient and stopping errors never get here: the path
 * retries the first in-process and leaves the message unsettled for the second.
 */
export function settlementOf(err: unknown, attempts: number, policy: RetryPolicy): Settlement {
  if (classifyError(err) === Outcome.poison) return { action: 'drop', code: errorCode(err) };
  if (attempts >= policy.maxDeliver) return { action: 'drop', code: ProjectorErrorCode.failed };
  const delayMs = policy.backoffMs[attempts - 1] ?? policy.backoffMs.at(-1) ?? 1000;
  return { action: 'retry', delayMs };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : ProjectorErrorCode.failed;
}
