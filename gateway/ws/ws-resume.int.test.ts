import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Streams } from '../../schemas/streams.ts';
import type { Gateway } from '../main.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { commitsUpdated, publishUpdate } from '../testing/updates.ts';
import { connectClient, wsUrl } from '../testing/ws-client.ts';

let h: Harness;
let gw: Gateway;

beforeAll(async () => {
  h = await startHarness();
  gw = await h.gateway();
});
afterAll(async () => h?.stop());

async function publishMany(orgs: string[], n: number): Promise<Map<string, number[]>> {
  const seqs = new Map<string, number[]>(orgs.map((o) => [o, []]));
  for (let i = 0; i < n; i++) {
    const org = orgs[i % orgs.length] ?? 'acme';
    seqs.get(org)?.push(await publishUpdate(h.js, commitsUpdated(org, String(i % 4), i)));
  }
  return seqs;
}

describe('ws resume', () => {
  it('ws resume - after a disconnect, since=<last seq> gets exactly the missed frames of its orgs in order, then live ones', async () => {
    const token = await h.token(['acme', 'initech']);
    const first = await connectClient(wsUrl(gw.port, token));
    const before = await publishMany(['acme'], 2);
    await first.waitForUpdates(2);
    const last = first.seqs().at(-1) ?? 0;
    expect(first.seqs()).toEqual(before.get('acme'));
    await first.close();

    const missed = await publishMany(['acme', 'globex', 'initech'], 9);
    const again = await connectClient(wsUrl(gw.port, token, last));
    const expected = [...(missed.get('acme') ?? []), ...(missed.get('initech') ?? [])].sort(
      (a, b) => a - b,
    );
    await again.waitForUpdates(expected.length);
    expect(again.seqs()).toEqual(expected);
    expect(again.frames.find((f) => f.event === 'ready')).toEqual({
      event: 'ready',
      rooms: ['org:acme', 'org:initech'],
      resumedAfter: last,
    });
    const live = await publishUpdate(h.js, commitsUpdated('initech', '1', 1));
    await again.waitFor((f) => f.seq === live);
    expect(again.seqs()).toEqual([...expected, live]);
    await again.close();
  });

  it('ws resume - updates published while a resume catches up arrive once each, with no gap at the switch', async () => {
    const token = await h.token(['acme']);
    const start = await publishUpdate(h.js, commitsUpdated('acme', '1', 0));
    const backlog = await publishMany(['acme', 'globex'], 600);
    // Keep publishing while the client resumes, so live frames land during its catch-up.
    let publishing = true;
    const during: number[] = [];
    const publisher = (async () => {
      for (let i = 0; publishing && i < 400; i++)
        during.push(await publishUpdate(h.js, commitsUpdated('acme', '2', i)));
    })();
    const c = await connectClient(wsUrl(gw.port, token, start));
    await new Promise((r) => setTimeout(r, 300));
    publishing = false;
    await publisher;
    const expected = [...(backlog.get('acme') ?? []), ...during].sort((a, b) => a - b);
    await c.waitForUpdates(expected.length, 15_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(during.length).toBeGreaterThan(0);
    expect(c.seqs()).toEqual(expected);
    await c.close();
  });

  it("ws resume - works across a gateway restart: the offsets are the stream's", async () => {
    const token = await h.token(['acme']);
    const gwA = await h.gateway();
    const c = await connectClient(wsUrl(gwA.port, token));
    const seen = await publishUpdate(h.js, commitsUpdated('acme', '1', 1));
    await c.waitFor((f) => f.seq === seen);
    await gwA.stop();
    expect((await c.closed).code).toBe(1001);
    const missed = await publishMany(['acme', 'globex'], 6);
    const gwB = await h.gateway();
    const again = await connectClient(wsUrl(gwB.port, token, seen));
    await again.waitForUpdates(3);
    expect(again.seqs()).toEqual(missed.get('acme'));
    await again.close();
    await gwB.stop();
  });

  it('ws resume - a since the stream never reached gets resync', async () => {
    const token = await h.token(['acme']);
    const info = await h.jsm.streams.info(Streams.updates.name);
    const c = await connectClient(wsUrl(gw.port, token, info.state.last_seq + 1000));
    expect(c.frames[0]).toMatchObject({ event: 'resync', reason: 'unknown_seq' });
    const live = await publishUpdate(h.js, commitsUpdated('acme', '1', 1));
    await c.waitFor((f) => f.seq === live);
    await c.close();
  });

  it('ws resume - more missed frames than GATEWAY_MAX_RESUME_FRAMES gets resync, then live frames', async () => {
    const small = await h.gateway({ GATEWAY_MAX_RESUME_FRAMES: '5' });
    const token = await h.token(['acme']);
    const since = await publishUpdate(h.js, commitsUpdated('acme', '1', 0));
    await publishMany(['acme'], 8);
    const c = await connectClient(wsUrl(small.port, token, since));
    await c.waitFor((f) => f.event === 'resync');
    expect(c.frames.find((f) => f.event === 'resync')).toMatchObject({ reason: 'too_many' });
    const live = await publishUpdate(h.js, commitsUpdated('acme', '1', 1));
    await c.waitFor((f) => f.seq === live);
    await c.close();
    await small.stop();
  });

  it('ws resume - a since older than what the stream keeps gets resync', async () => {
    const token = await h.token(['acme']);
    const old = await publishUpdate(h.js, commitsUpdated('acme', '1', 0));
    await publishMany(['acme'], 5);
    await h.jsm.streams.purge(Streams.updates.name, { keep: 3 });
    const c = await connectClient(wsUrl(gw.port, token, old));
    expect(c.frames[0]).toMatchObject({ event: 'resync', reason: 'evicted' });
    expect(c.seqs()).toEqual([]);
    const live = await publishUpdate(h.js, commitsUpdated('acme', '1', 1));
    await c.waitFor((f) => f.seq === live);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    expect(metrics).toMatch(/gateway_resyncs_total\{reason="evicted"[^}]*\} 1/);
    expect(metrics).toMatch(/gateway_resumes_total\{[^}]*\} [1-9]/);
    await c.close();
  });
});
