import { describe, expect, it } from 'vitest';
import { retryTransient } from './transient-retry.ts';
import { StoppingError, TransientError } from '../errors.ts';

function options(signal = new AbortController().signal) {
  const log: string[] = [];
  let paused = false;
  return {
    log,
    opts: {
      signal,
      budgetMs: 150,
      onRetry: (_: unknown, n: number) => log.push(`retry ${n}`),
      onPause: () => ((paused = true), log.push('pause')),
      onResume: () => ((paused = false), log.push('resume')),
      isPaused: () => paused,
    },
  };
}

describe('transient retry', () => {
  it('transient retry - retries transient errors, pauses past the budget, resumes on success', async () => {
    const { log, opts } = options();
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls < 5) throw new TransientError('redis down');
      return 'ok';
    }, opts);
    expect(result).toBe('ok');
    expect(log.filter((l) => l.startsWith('retry'))).toHaveLength(4);
    // 100 + 200 ms of waiting passes the 150 ms budget before the 4th retry.
    expect(log).toContain('pause');
    expect(log.at(-1)).toBe('resume');
  });
  it('transient retry - other errors are thrown at once', async () => {
    const { log, opts } = options();
    await expect(retryTransient(() => Promise.reject(new TypeError('bug')), opts)).rejects.toThrow(
      TypeError,
    );
    expect(log).toEqual([]);
  });
  it('transient retry - stopping ends the wait with a StoppingError', async () => {
    const ac = new AbortController();
    const { opts } = options(ac.signal);
    setTimeout(() => ac.abort(), 50);
    await expect(
      retryTransient(() => Promise.reject(new TransientError('down')), opts),
    ).rejects.toThrow(StoppingError);
  });
});
