import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import type { Gateway } from '../main.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

let h: Harness;
let gw: Gateway;
beforeAll(async () => {
  h = await startHarness();
  gw = await h.gateway({ GATEWAY_CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
});
afterAll(async () => {
  await h?.stop();
});

/** node:http, since fetch would not send `Origin` as a browser does. */
function call(method: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: gw.port, method, path, headers, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

const API = '/api/v1/orgs/acme/dashboard?from=2025-11-13&to=2025-11-19';
const preflight = (origin: string, method = 'GET') =>
  call('OPTIONS', API, {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': 'authorization',
  });

describe('cors', () => {
  it('cors - a preflight from a configured origin gets 204 with the method, Authorization and max-age', async () => {
    const res = await preflight(ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': 'GET, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  it('cors - a preflight from another origin, or for another method, gets 403 with a JSON reason and no allow header', async () => {
    const other = await preflight(OTHER);
    expect(other.status).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(other.body)).toEqual({
      error: {
        code: 'cors_origin_not_allowed',
        message: `origin "${OTHER}" is not in GATEWAY_CORS_ORIGINS`,
      },
    });
    const post = await preflight(ALLOWED, 'POST');
    expect(post.status).toBe(403);
    expect(JSON.parse(post.body).error.code).toBe('cors_method_not_allowed');
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('cors - a GET with a configured Origin carries the allow header, on 200 and on 401 alike; others get none', async () => {
    const token = await h.token(['acme']);
    const ok = await call('GET', API, { origin: ALLOWED, authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(ok.headers.vary).toBe('Origin, Accept-Encoding');
    expect(JSON.parse(ok.body).orgId).toBe('acme');

    const refused = await call('GET', API, { origin: ALLOWED });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(ALLOWED);

    const other = await call('GET', API, { origin: OTHER, authorization: `Bearer ${token}` });
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers.vary).toBe('Origin, Accept-Encoding');
  });

  it('cors - /ws refuses an upgrade from an origin that is neither the gateway nor configured (403)', async () => {
    const token = await h.token(['acme']);
    const open = (origin: string | undefined) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(
          `ws://127.0.0.1:${gw.port}/ws?token=${token}`,
          origin === undefined ? {} : { origin },
        );
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.on('error', () => undefined);
      });
    expect(await open(OTHER)).toBe('403');
    expect(await open(ALLOWED)).toBe('open');
    expect(await open(`http://127.0.0.1:${gw.port}`)).toBe('open');
    expect(await open(undefined)).toBe('open');
  });

  it('cors - GATEWAY_CORS_ORIGINS with a path or without a scheme is refused at start-up, naming the variable', () => {
    expect(() => loadConfig({}, { GATEWAY_CORS_ORIGINS: 'app.example.com' })).toThrow(
      /GATEWAY_CORS_ORIGINS.*scheme:\/\/host\[:port\]/s,
    );
    expect(() => loadConfig({}, { GATEWAY_CORS_ORIGINS: 'https://a.example.com/x' })).toThrow(
      /GATEWAY_CORS_ORIGINS/,
    );
    expect(
      loadConfig({}, { GATEWAY_CORS_ORIGINS: `${ALLOWED},${OTHER}` }).GATEWAY_CORS_ORIGINS,
    ).toEqual([ALLOWED, OTHER]);
  });
});
