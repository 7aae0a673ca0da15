import type { TemplatedApp } from 'uWebSockets.js';
import { Reply } from '../../platform/http/reply.ts';

/** How long a browser may cache a preflight answer (s). */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * The CORS headers of an API answer to a request from `origin` (`''` when the request has
 * no `Origin`). `Vary: Origin` always, since the answer differs by origin; the allow header
 * only for a configured origin. No credentials: the token travels in `Authorization`.
 */
export function corsHeaders(origin: string, allowed: ReadonlySet<string>): Record<string, string> {
  if (origin === '' || !allowed.has(origin)) return { vary: 'Origin' };
  return { vary: 'Origin', 'access-control-allow-origin': origin };
}

/**
 * Whether a WebSocket upgrade from `origin` may proceed: no `Origin` (not a browser), the
 * gateway's own origin (same `Host`), or a configured one.
 */
export function socketOriginAllowed(
  origin: string,
  host: string,
  allowed: ReadonlySet<string>,
): boolean {
  if (origin === '' || allowed.has(origin)) return true;
  return origin === `http://${host}` || origin === `https://${host}`;
}

/**
 * Answers preflight `OPTIONS` on `route`: 204 with the allowed method and headers for a
 * configured origin asking for GET; 403 with a JSON body naming the refusal otherwise, and
 * no allow header, so the browser blocks the real request.
 */
export function mountPreflight(
  app: TemplatedApp,
  route: string,
  allowed: ReadonlySet<string>,
): void {
  app.options(route, (res, req) => {
    const origin = req.getHeader('origin');
    const method = req.getHeader('access-control-request-method');
    const reply = new Reply(res);
    if (origin === '' || !allowed.has(origin)) {
      reply.json(
        403,
        {
          error: {
            code: 'cors_origin_not_allowed',
            message: `origin ${JSON.stringify(origin)} is not in GATEWAY_CORS_ORIGINS`,
          },
        },
        { vary: 'Origin' },
      );
      return;
    }
    if (method !== 'GET') {
      reply.json(
        403,
        {
          error: {
            code: 'cors_method_not_allowed',
            message: `method ${JSON.stringify(method)} is not allowed; the API answers GET`,
          },
        },
        { vary: 'Origin' },
      );
      return;
    }
    reply.send(204, '', {
      ...corsHeaders(origin, allowed),
      'access-control-allow-methods': 'GET, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
    });
  });
}
