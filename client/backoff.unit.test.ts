import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoff', () => {
  it('backoff - the ceiling doubles from initialMs up to maxMs, and the wait is a random part of it', () => {
    const opts = { initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, opts, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(400);
  });

  it('backoff - huge attempt counts stay finite', () => {
    expect(backoffDelay(10_000, { initialMs: 500, maxMs: 30_000 }, () => 1)).toBe(30_000);
  });
});
