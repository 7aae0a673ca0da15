/** How long to wait between reconnect attempts. */
export interface BackoffOptions {
  /** The ceiling of the first wait (ms). */
  initialMs: number;
  /** The largest ceiling (ms). */
  maxMs: number;
}

/** 0.5 s doubling up to 30 s: a restarted gateway sees its clients spread over time. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * The wait before reconnect attempt `attempt` (0 = first): "full jitter", a uniform random
 * time up to an exponentially growing ceiling, so clients dropped together do not return
 * together. `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}
