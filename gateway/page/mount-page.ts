import { readFileSync } from 'node:fs';
import type { TemplatedApp } from 'uWebSockets.js';
import { Reply } from '../../platform/http/reply.ts';

const PAGE = readFileSync(new URL('./dashboard.html', import.meta.url));
const STYLE = readFileSync(new URL('./dashboard.css', import.meta.url));

/**
 * Scripts and styles only from the gateway itself (`/app.js`, `/app.css`): no inline script,
 * no inline style attribute. The script sizes things through the CSSOM, which CSP allows.
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Serves the dashboard page at `/` (`/?token=<token>[&org=<org>][&from=…&to=…]`), its script
 * at `/app.js` (see `bundle-page.ts`) and its stylesheet at `/app.css`. The script moves the token out of the address bar into
 * sessionStorage at once, then follows the dashboard with the client library (`client/`).
 */
export function mountPage(app: TemplatedApp, script: Buffer): void {
  const headers = {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': PAGE_CSP,
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
  app.get('/app.css', (res) => {
    new Reply(res).send(200, STYLE, { 'content-type': 'text/css; charset=utf-8', ...headers });
  });
}
