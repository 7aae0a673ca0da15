import { describe, expect, it } from 'vitest';
import { unfinishedAfter } from './stop-within.ts';

const never = new Promise<void>(() => undefined);
const after = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('stop within', () => {
  it('stop within - names the steps still running after the grace, and returns then', async () => {
    const start = Date.now();
    const stuck = await unfinishedAfter({ runner: never, audit: after(5), http: after(0) }, 60);
    expect(stuck).toEqual(['runner']);
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('stop within - returns as soon as every step ended; a rejected step counts as ended', async () => {
    const start = Date.now();
    const stuck = await unfinishedAfter({ a: after(5), b: Promise.reject(new Error('x')) }, 10_000);
    expect(stuck).toEqual([]);
    expect(Date.now() - start).toBeLessThan(1_000);
  });
});
