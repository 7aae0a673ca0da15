import { classifyError } from '../classify-error.ts';
import { StoppingError } from '../errors.ts';

export interface TransientRetryOptions {
  /** Aborted when the projector stops: the wait ends and {@link StoppingError} is thrown. */
  readonly signal: AbortSignal;
  /** After this long failing, `onPause` is called (readiness false, fetching stops). */
  readonly budgetMs: number;
  /** Told before each wait: the error, the attempt that failed, and the wait before the next. */
  readonly onRetry: (err: unknown, attempt: number, delayMs: number) => void;
  /** Told when a call succeeded after at least one retry. */
  readonly onSuccessAfterRetry?: () => void;
  readonly onPause: () => void;
  readonly onResume: () => void;
  /** Whether processing is paused now (shared by every retry loop of one runner). */
  readonly isPaused: () => boolean;
}

const FIRST_DELAY_MS = 100;
// 1 s: once a dependency is back, processing carries on within about 1 s of this wait (the
// drivers' own reconnects are capped alike: see platform/mongo.ts, platform/redis.ts).
const MAX_DELAY_MS = 1000;

/**
 * Runs `fn` until it succeeds, waiting with capped exponential backoff while it fails with
 * a transient error (a dependency down). Other errors are thrown at once. The messages
 * being processed stay with this process meanwhile (the runner sends `working()`), so an
 * outage burns no deliveries and dead-letters nothing.
 */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  opts: TransientRetryOptions,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await fn();
      if (attempt > 1) opts.onSuccessAfterRetry?.();
      if (opts.isPaused()) opts.onResume();
      return result;
    } catch (err) {
      if (classifyError(err) !== 'transient') throw err;
      if (opts.signal.aborted) throw new StoppingError();
      const delay = Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
      opts.onRetry(err, attempt, delay);
      if (!opts.isPaused() && Date.now() - started >= opts.budgetMs) opts.onPause();
      await abortableSleep(delay, opts.signal);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new StoppingError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StoppingError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
