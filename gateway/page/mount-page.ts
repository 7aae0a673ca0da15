import { readFileSync } from 'node:fs';
import type { TemplatedApp } from 'uWebSockets.js';
import { Reply } from '../../platform/http/reply.ts';

const PAGE = readFileSync(new URL('./dashboard.html', import.meta.url));

/**
 * Serves the dashboard page at `/` (`/?token=<token>[&org=<org>]`): the seed's frontend in
 * one static file. It fetches the API, listens on `/ws`, and refetches on `commits:update`.
 * The page holds no secret; the token comes from its URL and is checked by the API and `/ws`.
 */
export function mountPage(app: TemplatedApp): void {
  app.get('/', (res) => {
    new Reply(res).send(200, PAGE, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy':
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:",
    });
  });
}
