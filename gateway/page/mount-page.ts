import { readFileSync } from 'node:fs';
import type { TemplatedApp } from 'uWebSockets.js';
import { Reply } from '../../platform/http/reply.ts';

const PAGE = readFileSync(new URL('./dashboard.html', import.meta.url));

/** Scripts only from the gateway itself: the page's one script is `/app.js`. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'";

/**
 * Serves the dashboard page at `/` (`/?token=<token>[&org=<org>]`) and its script at
 * `/app.js` (see `bundle-page.ts`). The script moves the token out of the address bar into
 * sessionStorage at once, then follows the dashboard with the client library (`client/`).
 */
export function mountPage(app: TemplatedApp, script: Buffer): void {
  const headers = {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
  };
  app.get('/', (res) => {
    new Reply(res).send(200, PAGE, { 'content-type': 'text/html; charset=utf-8', ...headers });
  });
  app.get('/app.js', (res) => {
    new Reply(res).send(200, script, {
      'content-type': 'text/javascript; charset=utf-8',
      ...headers,
    });
  });
}
