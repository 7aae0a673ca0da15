import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../main.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { connectClient, tryUpgrade, wsUrl } from '../testing/ws-client.ts';
import { signToken, tokenKeys } from '../auth/mod.ts';

let h: Harness;
let gw: Gateway;

beforeAll(async () => {
  h = await startHarness();
  gw = await h.gateway();
});
afterAll(async () => h?.stop());

describe('ws auth', () => {
  it('ws auth - a valid token in ?token= or in Authorization: Bearer opens a socket in its org rooms', async () => {
    const token = await h.token(['acme', 'globex']);
    const a = await connectClient(wsUrl(gw.port, token));
    expect(a.frames[0]).toEqual({ event: 'ready', rooms: ['org:acme', 'org:globex'] });
    const b = await connectClient(wsUrl(gw.port, undefined), { authorization: `Bearer ${token}` });
    expect(b.frames[0]?.event).toBe('ready');
    await a.close();
    await b.close();
  });

  it('ws auth - missing, forged, expired, wrong-audience and garbage tokens get 401 at upgrade, not a socket', async () => {
    const forged = await signToken(
      tokenKeys(['someone-elses-secret-someone-elses-secret'], 'teampulse-dashboard', 'teampulse'),
      {
        orgs: ['acme'],
        ttlSeconds: 600,
      },
    );
    const expired = await signToken(
      tokenKeys([h.cfg.GATEWAY_JWT_SECRETS?.[0] ?? ''], 'teampulse-dashboard', 'teampulse'),
      { orgs: ['acme'], ttlSeconds: 1 },
      Date.now() - 120_000,
    );
    const wrongAud = await signToken(
      tokenKeys([h.cfg.GATEWAY_JWT_SECRETS?.[0] ?? ''], 'other-app', 'teampulse'),
      {
        orgs: ['acme'],
        ttlSeconds: 600,
      },
    );
    const cases: [string | undefined, string][] = [
      [undefined, 'token_missing'],
      [forged, 'token_bad_signature'],
      [expired, 'token_expired'],
      [wrongAud, 'token_wrong_audience'],
      ['garbage', 'token_malformed'],
    ];
    for (const [token, code] of cases) {
      const { status, body } = await tryUpgrade(wsUrl(gw.port, token));
      expect(status).toBe(401);
      expect(body).toEqual({ error: { code, message: expect.any(String) } });
    }
    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    for (const [, code] of cases) {
      expect(metrics).toMatch(
        new RegExp(`gateway_auth_failures_total\\{reason="${code}",route="ws"[^}]*\\} 1`),
      );
    }
  });

  it('ws auth - a bad since is a 400 for an authenticated client', async () => {
    const token = await h.token(['acme']);
    const url = `ws://127.0.0.1:${gw.port}/ws?token=${token}&since=-4`;
    expect(await tryUpgrade(url)).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_since' } },
    });
    expect((await tryUpgrade(wsUrl(gw.port, token))).status).toBe(101);
  });

  it('ws auth - a socket is closed with 4001 when its token expires', async () => {
    const token = await h.token(['acme'], { ttlSeconds: 2 });
    const c = await connectClient(wsUrl(gw.port, token));
    const closed = await c.closed;
    expect(closed.code).toBe(4001);
  });
});
