import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureReadModelIndexes } from '../platform/mongo.ts';
import {
  commitsUpdated,
  publishUpdate,
  startHarness,
  tcpRelay,
  type Harness,
} from '../gateway/testing/mod.ts';
import {
  connect,
  ConnectionState,
  type Client,
  type ConnectOptions,
  type UpdateFrame,
  type WebSocketConstructor,
} from './mod.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await ensureReadModelIndexes(h.db);
});
afterAll(async () => {
  await h?.stop();
});

/** The `ws` package's WebSocket, counting how many sockets the client opens. */
function spySockets() {
  const urls: string[] = [];
  class Spy extends WebSocket {
    constructor(url: string) {
      super(url);
      urls.push(url);
    }
  }
  return { urls, WebSocket: Spy as unknown as WebSocketConstructor };
}

/** A client with fast backoff that records what it was told. */
function follow(opts: Partial<ConnectOptions> & Pick<ConnectOptions, 'url'>) {
  const spy = spySockets();
  const seen = { updates: [] as UpdateFrame[], states: [] as string[], dashboards: 0 };
  const client = connect({
    orgs: ['acme'],
    from: '2025-11-13',
    to: '2025-11-19',
    WebSocket: spy.WebSocket,
    backoff: { initialMs: 50, maxMs: 300 },
    onUpdate: (f) => seen.updates.push(f),
    onState: (s) => seen.states.push(s),
    onDashboard: () => seen.dashboards++,
    ...opts,
  });
  return { client, spy, seen };
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const live = (c: Client) => until('live', () => c.state === ConnectionState.live);

describe('client library', () => {
  it('client - fetches the dashboard, opens /ws after its asOfSeq, and delivers an update published after', async () => {
    const gw = await h.gateway();
    const { client, spy, seen } = follow({
      url: `http://127.0.0.1:${gw.port}`,
      token: await h.token(['acme']),
    });
    await live(client);
    expect(seen.dashboards).toBe(1);
    expect(spy.urls[0]).toMatch(/\/ws\?token=[^&]+&since=\d+$/);
    const seq = await publishUpdate(h.js, commitsUpdated('acme', '42', 2));
    await until('the update', () => seen.updates.length === 1);
    expect(seen.updates[0]).toEqual({
      event: 'commits:update',
      room: 'org:acme',
      seq,
      data: commitsUpdated('acme', '42', 2),
    });
    expect(client.lastSeq).toBe(seq);
    expect(client.lastUpdateAt).toBeGreaterThan(Date.now() - 5000);
    client.close();
    expect(client.state).toBe(ConnectionState.closed);
    await gw.stop();
  });

  it('client - resumes after the gateway restarts, with every update published meanwhile and no gap', async () => {
    const relay = await tcpRelay();
    const gw = await h.gateway();
    relay.to(gw.port);
    const { client, seen } = follow({
      url: `http://127.0.0.1:${relay.port}`,
      token: await h.token(['acme']),
    });
    await live(client);
    const published = [await publishUpdate(h.js, commitsUpdated('acme', '42', 1))];
    await until('the first update', () => seen.updates.length === 1);
    await gw.stop();
    relay.to(undefined);
    await until('resuming', () => client.state !== ConnectionState.live);
    for (const n of [2, 3])
      published.push(await publishUpdate(h.js, commitsUpdated('acme', '42', n)));
    relay.to((await h.gateway()).port);
    await until('all three updates', () => seen.updates.length === 3);
    expect(seen.updates.map((f) => f.seq)).toEqual(published);
    expect(seen.states).toContain(ConnectionState.resuming);
    await live(client);
    // The dashboard was fetched once: a resume replays frames, it does not refetch.
    expect(seen.dashboards).toBe(1);
    client.close();
    await relay.close();
  });

  it('client - a resync (too much missed) refetches the dashboards and goes on from the new asOfSeq', async () => {
    const relay = await tcpRelay();
    const gw = await h.gateway({ GATEWAY_MAX_RESUME_FRAMES: '1' });
    relay.to(gw.port);
    const reasons: string[] = [];
    const { client, spy, seen } = follow({
      url: `http://127.0.0.1:${relay.port}`,
      token: await h.token(['acme']),
      onResync: (r) => reasons.push(r),
    });
    await live(client);
    relay.to(undefined); // cut the connection; the gateway keeps running
    await until('resuming', () => client.state !== ConnectionState.live);
    const missed: number[] = [];
    for (const n of [1, 2, 3])
      missed.push(await publishUpdate(h.js, commitsUpdated('acme', '42', n)));
    relay.to(gw.port);
    await until('the resync', () => reasons.length === 1);
    expect(reasons).toEqual(['too_many']);
    await until('a refetch', () => seen.dashboards === 2);
    await live(client);
    // The third socket starts after the refetched dashboard, which already counts the missed ones.
    expect(spy.urls.at(-1)).toMatch(new RegExp(`since=${missed.at(-1)}$`));
    const next = await publishUpdate(h.js, commitsUpdated('acme', '42', 4));
    await until('the next update', () => seen.updates.some((f) => f.seq === next));
    // Frames replayed before the gateway gave up may have come through; nothing repeats.
    const seqs = seen.updates.map((f) => f.seq);
    expect(seqs.at(-1)).toBe(next);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(seqs.every((q) => q === next || missed.includes(q))).toBe(true);
    client.close();
    await relay.close();
    await gw.stop();
  });

  it('client - a token expiring on the socket (close 4001) makes it ask getToken once and go on with the new token', async () => {
    const gw = await h.gateway();
    let asked = 0;
    const { client, spy, seen } = follow({
      url: `http://127.0.0.1:${gw.port}`,
      token: await h.token(['acme'], { ttlSeconds: 1 }),
      getToken: async () => {
        asked++;
        return h.token(['acme']);
      },
    });
    await live(client);
    const before = await publishUpdate(h.js, commitsUpdated('acme', '42', 1));
    await until('getToken', () => asked === 1, 15_000);
    await until('live again', () => spy.urls.length === 2 && client.state === ConnectionState.live);
    const after = await publishUpdate(h.js, commitsUpdated('acme', '42', 2));
    await until('the update after', () => seen.updates.some((f) => f.seq === after));
    expect(seen.updates.map((f) => f.seq)).toEqual([before, after]);
    expect(asked).toBe(1);
    // The second socket resumed after the last seq seen on the first, with the new token.
    expect(spy.urls[1]).toContain(`since=${before}`);
    expect(spy.urls[1]).not.toContain(spy.urls[0]?.split('token=')[1]?.split('&')[0]);
    client.close();
    await gw.stop();
  });

  it('client - with no getToken, an expired token on the socket ends in unauthorized and no further attempts', async () => {
    const gw = await h.gateway();
    const { client, spy, seen } = follow({
      url: `http://127.0.0.1:${gw.port}`,
      token: await h.token(['acme'], { ttlSeconds: 1 }),
    });
    await live(client);
    await until('unauthorized', () => client.state === ConnectionState.unauthorized, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(spy.urls).toHaveLength(1);
    expect(seen.states.at(-1)).toBe(ConnectionState.unauthorized);
    client.close();
    await gw.stop();
  });

  it('client - a token refused by the dashboard API (401) asks getToken once; a failing getToken ends in unauthorized, no socket', async () => {
    const gw = await h.gateway();
    const expired = await h.token(['acme'], { ttlSeconds: 1 }, Date.now() - 120_000);
    let asked = 0;
    const errors: string[] = [];
    const { client, spy } = follow({
      url: `http://127.0.0.1:${gw.port}`,
      token: expired,
      getToken: () => {
        asked++;
        throw new Error('the sign-in service is down');
      },
      onError: (e) => errors.push(e.message),
    });
    await until('unauthorized', () => client.state === ConnectionState.unauthorized);
    await new Promise((r) => setTimeout(r, 500));
    expect(asked).toBe(1);
    expect(spy.urls).toHaveLength(0);
    expect(errors).toEqual([
      'the sign-in service is down',
      'the gateway refused the token; sign in again',
    ]);

    // getToken handing back a token that is refused too: asked once, then unauthorized.
    let again = 0;
    const second = follow({
      url: `http://127.0.0.1:${gw.port}`,
      token: expired,
      getToken: () => {
        again++;
        return expired;
      },
    });
    await until('unauthorized', () => second.client.state === ConnectionState.unauthorized);
    await new Promise((r) => setTimeout(r, 500));
    expect(again).toBe(1);
    expect(second.spy.urls).toHaveLength(0);
    await gw.stop();
  });

  it('client - an org not in the token (403) is reported and stops the client, with no retry', async () => {
    const gw = await h.gateway();
    const errors: { status?: number; code?: string }[] = [];
    const { client, spy } = follow({
      url: `http://127.0.0.1:${gw.port}`,
      token: await h.token(['acme']),
      orgs: ['globex'],
      onError: (e) => errors.push(e as { status?: number; code?: string }),
    });
    await until('closed', () => client.state === ConnectionState.closed);
    expect(errors).toMatchObject([{ status: 403, code: 'forbidden_org' }]);
    expect(spy.urls).toHaveLength(0);
    await gw.stop();
  });
});
