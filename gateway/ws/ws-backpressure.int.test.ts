import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '../../schemas/ws-frames.ts';
import type { Gateway } from '../main.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { connectSlowClient } from '../testing/slow-client.ts';
import { commitsUpdated, publishUpdate } from '../testing/updates.ts';
import { connectClient, wsUrl } from '../testing/ws-client.ts';

const LIMIT = 256 * 1024;

let h: Harness;
let gw: Gateway;

beforeAll(async () => {
  h = await startHarness({ overrides: { GATEWAY_MAX_BACKPRESSURE_BYTES: String(LIMIT) } });
  gw = await h.gateway();
});
afterAll(async () => h?.stop());

describe('ws backpressure', () => {
  it('ws backpressure - a client that stops reading is closed with 4008 and counted; a normal client gets every frame', async () => {
    const token = await h.token(['acme']);
    const slow = await connectSlowClient(gw.port, `/ws?token=${token}`);
    const normal = await connectClient(wsUrl(gw.port, token));
    // ~10 KB frames; far more than the kernel's socket buffers plus the limit.
    const big = (i: number) => commitsUpdated('acme', '1', i, 150);
    const frameBytes = JSON.stringify(big(0)).length;
    expect(frameBytes).toBeGreaterThan(8_000);
    const n = Math.ceil((16 * 1024 * 1024) / frameBytes);
    // Published in bursts, so many updates reach the gateway in one turn of its event loop.
    const seqs: number[] = [];
    for (let i = 0; i < n; i += 100) {
      const burst = Array.from({ length: Math.min(100, n - i) }, (_, j) =>
        publishUpdate(h.js, big(i + j)),
      );
      seqs.push(...(await Promise.all(burst)));
    }
    seqs.sort((a, b) => a - b);
    await normal.waitForUpdates(n, 30_000);
    expect(normal.seqs()).toEqual(seqs);

    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    expect(metrics).toMatch(/gateway_slow_client_closes_total\{[^}]*\} 1\b/);
    expect(metrics).toMatch(/gateway_connections\{[^}]*\} 1\b/);
    const { messages, closeCode } = await slow.drain();
    expect(closeCode).toBe(CloseCodes.slowConsumer);
    expect(messages).toBeGreaterThan(0);
    expect(messages).toBeLessThan(n);
    await normal.close();
  }, 60_000);
});
