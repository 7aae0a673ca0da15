import { describe, expect, it } from 'vitest';
import { shouldWaitForMore, type BatchWaitState } from './batch-wait.ts';

const base: BatchWaitState = {
  buffered: 3,
  max: 100,
  pending: 0,
  redelivered: false,
  elapsedMs: 0,
  waitMs: 50,
};

describe('batch wait', () => {
  it('batch wait - caught up (nothing pending beyond the buffer): processes at once', () => {
    expect(shouldWaitForMore(base)).toBe(false);
    expect(shouldWaitForMore({ ...base, buffered: 1 })).toBe(false);
  });

  it('batch wait - more known to be coming and the batch not full: waits', () => {
    expect(shouldWaitForMore({ ...base, pending: 1 })).toBe(true);
    expect(shouldWaitForMore({ ...base, pending: 500, elapsedMs: 49 })).toBe(true);
  });

  it('batch wait - a full batch or the wait used up: processes, whatever is pending', () => {
    expect(shouldWaitForMore({ ...base, pending: 500, buffered: 100 })).toBe(false);
    expect(shouldWaitForMore({ ...base, pending: 500, buffered: 120 })).toBe(false);
    expect(shouldWaitForMore({ ...base, pending: 500, elapsedMs: 50 })).toBe(false);
  });

  it('batch wait - redeliveries (not counted in pending) wait the whole window', () => {
    expect(shouldWaitForMore({ ...base, redelivered: true })).toBe(true);
    expect(shouldWaitForMore({ ...base, redelivered: true, elapsedMs: 50 })).toBe(false);
    expect(shouldWaitForMore({ ...base, redelivered: true, buffered: 100 })).toBe(false);
  });

  it('batch wait - a wait of 0 never waits', () => {
    expect(shouldWaitForMore({ ...base, pending: 500, waitMs: 0 })).toBe(false);
  });
});
