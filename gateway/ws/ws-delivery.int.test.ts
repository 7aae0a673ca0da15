import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpdateFrame } from '../../schemas/ws-frames.ts';
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

describe('ws delivery', () => {
  it('ws delivery - a client of an org receives its commits:update with the stream seq; another org receives nothing', async () => {
    const acme = await connectClient(wsUrl(gw.port, await h.token(['acme'])));
    const globex = await connectClient(wsUrl(gw.port, await h.token(['globex'])));
    const update = commitsUpdated('acme', '42', 3);
    const seq = await publishUpdate(h.js, update);
    const [frame] = await acme.waitForUpdates(1);
    expect(UpdateFrame.parse(frame)).toEqual({
      event: 'commits:update',
      room: 'org:acme',
      seq,
      data: update,
    });
    // globex's own update arrives, and it is the only one: acme's never reached it.
    const seq2 = await publishUpdate(h.js, commitsUpdated('globex', '7', 1));
    await globex.waitForUpdates(1);
    await sleep(100);
    expect(globex.seqs()).toEqual([seq2]);
    expect(acme.seqs()).toEqual([seq]);
    await acme.close();
    await globex.close();
  });

  it('ws delivery - a subscribe to a foreign org is refused with an error frame and delivers nothing', async () => {
    const c = await connectClient(wsUrl(gw.port, await h.token(['acme'])));
    c.send({ type: 'subscribe', orgId: 'globex' });
    const err = await c.waitFor((f) => f.event === 'error');
    expect(err).toEqual({
      event: 'error',
      error: { code: 'forbidden_org', message: expect.any(String) },
    });
    await publishUpdate(h.js, commitsUpdated('globex', '7', 1));
    const own = await publishUpdate(h.js, commitsUpdated('acme', '42', 1));
    await c.waitForUpdates(1);
    await sleep(100);
    expect(c.seqs()).toEqual([own]);
    await c.close();
  });

  it('ws delivery - unsubscribe and subscribe move a client out of and back into an allowed room', async () => {
    const c = await connectClient(wsUrl(gw.port, await h.token(['acme', 'initech'])));
    c.send({ type: 'unsubscribe', orgId: 'initech' });
    await c.waitFor((f) => f.event === 'unsubscribed' && f.room === 'org:initech');
    await publishUpdate(h.js, commitsUpdated('initech', '1', 1));
    const marker = await publishUpdate(h.js, commitsUpdated('acme', '42', 1));
    await c.waitFor((f) => f.seq === marker);
    c.send({ type: 'subscribe', orgId: 'initech' });
    await c.waitFor((f) => f.event === 'subscribed' && f.room === 'org:initech');
    const back = await publishUpdate(h.js, commitsUpdated('initech', '1', 2));
    await c.waitFor((f) => f.seq === back);
    expect(c.seqs()).toEqual([marker, back]);
    await c.close();
  });

  it('ws delivery - ping gets pong; a malformed message gets an error frame and the socket stays', async () => {
    const c = await connectClient(wsUrl(gw.port, await h.token(['acme'])));
    c.send({ type: 'ping' });
    await c.waitFor((f) => f.event === 'pong');
    c.send({ type: 'dance' });
    await c.waitFor(
      (f) => f.event === 'error' && (f.error as { code: string }).code === 'bad_message',
    );
    const seq = await publishUpdate(h.js, commitsUpdated('acme', '42', 1));
    await c.waitFor((f) => f.seq === seq);
    await c.close();
  });

  it('ws delivery - two gateways, clients on both: every client gets every update of its org, in order', async () => {
    const gw2 = await h.gateway();
    const token = await h.token(['acme']);
    const clients = await Promise.all(
      [gw, gw, gw2, gw2].map((g) => connectClient(wsUrl(g.port, token))),
    );
    const seqs: number[] = [];
    for (let i = 0; i < 20; i++)
      seqs.push(await publishUpdate(h.js, commitsUpdated('acme', String(i % 3), i)));
    for (const c of clients) {
      await c.waitForUpdates(20);
      expect(c.seqs()).toEqual(seqs);
    }
    for (const c of clients) await c.close();
    await gw2.stop();
  });

  it('ws delivery - an invalid message on UPDATES is skipped and counted; the feed goes on', async () => {
    const c = await connectClient(wsUrl(gw.port, await h.token(['acme'])));
    await h.js.publish('teampulse.updates.acme.42', '{"type":"NOT_AN_UPDATE"}');
    await h.js.publish(
      'teampulse.updates.acme.42',
      JSON.stringify(commitsUpdated('globex', '42', 1)),
    );
    const good = await publishUpdate(h.js, commitsUpdated('acme', '42', 4));
    await c.waitFor((f) => f.seq === good);
    expect(c.seqs()).toEqual([good]);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    expect(metrics).toMatch(/gateway_invalid_updates_total\{[^}]*\} 2\b/);
    await c.close();
  });

  it('ws delivery - the freshness histogram observes now minus the earliest lineage receivedAt of each live frame; an update without one is not observed', async () => {
    const c = await connectClient(wsUrl(gw.port, await h.token(['acme'])));
    const update = commitsUpdated('acme', '42', 2, 2);
    const now = Date.now();
    update.payload.lineage[0]!.receivedAt = new Date(now - 500).toISOString();
    update.payload.lineage[1]!.receivedAt = new Date(now - 2000).toISOString();
    const seq = await publishUpdate(h.js, update);
    const plain = await publishUpdate(h.js, commitsUpdated('acme', '42', 1));
    await c.waitFor((f) => f.seq === plain);
    expect(c.seqs()).toEqual([seq, plain]);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    const bucket = (le: string) =>
      new RegExp(`teampulse_gateway_freshness_seconds_bucket\\{[^}]*le="${le}"[^}]*\\} (\\d+)`);
    // ~2 s old (the earlier of the two receive times), so above 1 s and within 2.5 s.
    expect(metrics).toMatch(/teampulse_gateway_freshness_seconds_count\{[^}]*\} 1\b/);
    expect(metrics.match(bucket('1'))?.[1]).toBe('0');
    expect(metrics.match(bucket('2.5'))?.[1]).toBe('1');
    await c.close();
  });

  it('ws delivery - /healthz, /readyz and /metrics answer; metrics count connections and frames', async () => {
    const base = `http://127.0.0.1:${gw.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, problems: [] });
    const c = await connectClient(wsUrl(gw.port, await h.token(['acme'])));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/gateway_connections\{[^}]*\} 1\b/);
    expect(metrics).toMatch(/gateway_frames_sent_total\{[^}]*\} [1-9]/);
    for (const name of [
      'gateway_resumes_total',
      'gateway_slow_client_closes_total',
      'gateway_auth_failures_total',
    ]) {
      expect(metrics).toContain(name);
    }
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    await c.close();
  });
});
