import type { Db } from 'mongodb';
import type { TemplatedApp } from 'uWebSockets.js';
import { Reply } from '../../platform/http/reply.ts';
import { toHttpError } from '../../platform/http/http-error.ts';
import type { Logger } from '../../platform/logger.ts';
import { tokenFromRequest } from '../auth/token-from-request.ts';
import type { TokenKeys } from '../auth/token-keys.ts';
import { verifyToken } from '../auth/verify-token.ts';
import { corsHeaders, mountPreflight } from '../cors/cors.ts';
import { AuthError, ForbiddenOrgError } from '../errors.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { feedReached, type LiveFeed } from '../updates/live-feed.ts';
import type { StreamBounds } from '../updates/stream-bounds.ts';
import { encodeJson } from './encode-json.ts';
import { parseDayRange } from './day-range.ts';
import type { DayCache } from './day-cache.ts';
import { readDashboard, type DayCacheUse } from './read-dashboard.ts';
import type { TargetCache } from './target-cache.ts';

export interface DashboardContext {
  db: Db;
  targets: TargetCache;
  bounds: StreamBounds;
  keys: TokenKeys;
  maxRangeDays: number;
  metrics: GatewayMetrics;
  log: Logger;
  /** `GATEWAY_CORS_ORIGINS`: other origins whose pages may call the API. */
  corsOrigins: ReadonlySet<string>;
  /** The day cache and the live feed that keeps it current; none: every day is read. */
  dayCache?: { days: DayCache; feed: Pick<LiveFeed, 'lastSeq' | 'running'> } | undefined;
}

/** How long an answer waits for the live feed to reach `asOfSeq` before it reads every day. */
const FEED_WAIT_MS = 100;

/** The route of the dashboard API. */
export const DASHBOARD_ROUTE = '/api/v1/orgs/:orgId/dashboard';

/**
 * Mounts `GET /api/v1/orgs/:orgId/dashboard?from&to`. Checks, in order: token (401), org in
 * the token (403), dates (400). Then reads the stream's last sequence *before* the read
 * models: the projector publishes an update only after writing it, so every update up to
 * that sequence is already in the numbers (`asOfSeq`). Answers carry CORS headers for the
 * configured origins, which also get their preflight `OPTIONS` answered. The answer is
 * gzipped for clients that accept it (a year of a 700-developer org: ~110 KB of JSON, ~15 KB
 * gzipped, ~2 ms of zlib off the event loop).
 */
export function mountDashboard(app: TemplatedApp, ctx: DashboardContext): void {
  mountPreflight(app, DASHBOARD_ROUTE, ctx.corsOrigins);
  app.get(DASHBOARD_ROUTE, (res, req) => {
    const started = process.hrtime.bigint();
    const reply = new Reply(res);
    const cors = corsHeaders(req.getHeader('origin'), ctx.corsOrigins);
    const authorization = req.getHeader('authorization');
    const orgId = safeDecode(req.getParameter(0) ?? '');
    const from = req.getQuery('from') ?? undefined;
    const to = req.getQuery('to') ?? undefined;
    const acceptEncoding = req.getHeader('accept-encoding');
    answer(ctx, authorization, orgId, from, to)
      .then((body) => encodeJson(body, acceptEncoding))
      .then(
        ({ body, headers }) => {
          reply.send(200, body, {
            'content-type': 'application/json',
            'cache-control': 'no-store',
            ...headers,
            ...cors,
            vary: 'Origin, Accept-Encoding',
          });
          observe(ctx, started, 200);
        },
        (err: unknown) => {
          const e = toHttpError(err);
          if (err instanceof AuthError)
            ctx.metrics.authFailures.inc({ reason: err.reason, route: 'dashboard' });
          if (e.status >= 500) ctx.log.error({ err, orgId }, 'dashboard request failed');
          reply.error(e, false, cors);
          observe(ctx, started, e.status);
        },
      );
  });
}

async function answer(
  ctx: DashboardContext,
  authorization: string,
  orgId: string,
  from: string | undefined,
  to: string | undefined,
): Promise<unknown> {
  const principal = await verifyToken(ctx.keys, tokenFromRequest(authorization, undefined));
  if (!principal.orgs.has(orgId)) throw new ForbiddenOrgError(orgId);
  const range = parseDayRange(from, to, ctx.maxRangeDays);
  const { lastSeq } = await ctx.bounds.fresh();
  const target = await ctx.targets.get();
  return readDashboard(ctx.db, target, orgId, range, lastSeq, await cacheFor(ctx, lastSeq));
}

/**
 * The day cache for an answer as of `lastSeq`: only once the live feed has handed over every
 * update up to it (so each day an update up to `lastSeq` changed is dropped or re-read).
 */
async function cacheFor(ctx: DashboardContext, lastSeq: number): Promise<DayCacheUse | undefined> {
  const c = ctx.dayCache;
  if (!c || !(await feedReached(c.feed, lastSeq, FEED_WAIT_MS))) return undefined;
  return { days: c.days, counted: (result) => ctx.metrics.dashboardDays.inc({ result }) };
}

function observe(ctx: DashboardContext, started: bigint, status: number): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  ctx.metrics.dashboardSeconds.observe({ status: String(status) }, seconds);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
