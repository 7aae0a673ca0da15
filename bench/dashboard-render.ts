/**
 * Dashboard page render benchmark: `npm run bench:dashboard-render -- [--commits 80000]
 * [--developers 700] [--repos 8] [--runs 5] [--screenshot year.png]`.
 *
 * Starts NATS and a MongoDB-wire server (FerretDB here, mongod where installed) on loopback,
 * seeds a realistic year of one org (`bench/support/dashboard-seed.ts`, shared with
 * `bench:dashboard`), starts a gateway, and opens its page in Chromium (1280×800) on the
 * last 365 days, `--runs` times in fresh tabs. Per run it reads the page's own marks
 * (gateway/page/page.js): `teampulse:fetch-start` (before the dashboard is requested) →
 * `teampulse:first-render` (every panel drawn and laid out), split into the API answer
 * (resource timing) and the drawing. Goal: time to first render < 1 s; printed as a ratio.
 */
import { parseArgs } from 'node:util';
import { addDays, utcDay } from '../schemas/utc-day.ts';
import { launchChromium } from '../test/support/chromium.ts';
import type { Browser } from 'playwright-core';
import { benchGateway } from './support/bench-gateway.ts';
import { startBenchStores } from './support/bench-stores.ts';
import { seedOrgYear } from './support/dashboard-seed.ts';
import { percentile, row } from './support/proc.ts';

const { values: args } = parseArgs({
  options: {
    commits: { type: 'string', default: '80000' },
    developers: { type: 'string', default: '700' },
    repos: { type: 'string', default: '8' },
    runs: { type: 'string', default: '5' },
    /** Also save a full-page screenshot of the last run there (a .png path). */
    screenshot: { type: 'string' },
  },
});
const ORG = 'bigorg';
const TO = utcDay(Date.now());
const FROM = addDays(TO, -364);
const GOAL_MS = 1000;

/** What one page load measured, in ms from `teampulse:fetch-start`. */
interface Run {
  total: number;
  api: number;
  /** Response end → drawing starts: JSON parse and the client library's contract check. */
  check: number;
  draw: number;
  developers: number;
}

const stores = await startBenchStores('render');
const { nats, mongo, db } = stores;
try {
  const started = performance.now();
  const options = {
    orgId: ORG,
    developers: Number(args.developers),
    repos: Number(args.repos),
    commits: Number(args.commits),
    to: TO,
    days: 365,
    seed: 1,
  };
  await seedOrgYear(db, options); // the commits, and the day rollups the dashboard reads
  process.stdout.write(
    `seeded ${args.commits} commits of ${args.developers} developers in ${args.repos} repos over 365 days in ${((performance.now() - started) / 1000).toFixed(1)} s on ${mongo.kind}\n`,
  );
  const browser = await launchChromium();
  try {
    // Cold: the gateway keeps no day (GATEWAY_DAY_CACHE_MB=0), as on a first view after it
    // started; every answer reads the year's 367 days. Warm: the day cache on (the default),
    // after one view filled it, as for a repeat view, another viewer, or a refetch.
    for (const phase of ['cold', 'warm'] as const) await measure(browser, phase);
  } finally {
    await browser.close();
  }
} finally {
  await stores.stop();
}

/** Opens the page `--runs` times (after one load not counted) with the day cache off or on. */
async function measure(browser: Browser, phase: 'cold' | 'warm'): Promise<void> {
  const { gateway, token } = await benchGateway({
    nats,
    mongoUrl: mongo.url,
    mongoDb: 'bench',
    org: ORG,
    process: true, // its own process: Playwright's traffic must not share its event loop
    env: { GATEWAY_DAY_CACHE_MB: phase === 'cold' ? '0' : '64' },
  });
  try {
    const url = `http://127.0.0.1:${gateway.port}/?token=${token}&org=${ORG}&from=${FROM}&to=${TO}`;
    const runs: Run[] = [];
    // The first load warms the gateway's bundle cache, the database and Chromium: not counted.
    for (let i = 0; i <= Number(args.runs); i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { teampulse?: { firstRenderMs?: number } }).teampulse
            ?.firstRenderMs !== undefined,
        undefined,
        { timeout: 60_000 },
      );
      const run = await page.evaluate((): Run => {
        /** The browser globals read here (the project compiles without the DOM lib). */
        interface Entry {
          name: string;
          startTime: number;
          responseEnd?: number;
        }
        const g = globalThis as unknown as {
          performance: {
            getEntriesByName(n: string): Entry[];
            getEntriesByType(t: string): Entry[];
          };
          teampulse: { dashboard: { developers: unknown[] } };
        };
        // No local functions here: tsx would wrap them in a helper the page does not have.
        const [start, drawStart, end] = [
          'teampulse:fetch-start',
          'teampulse:render-start',
          'teampulse:first-render',
        ].map((n) => g.performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN);
        const api = g.performance
          .getEntriesByType('resource')
          .find((e) => e.name.includes('/dashboard?'));
        return {
          total: (end ?? Number.NaN) - (start ?? Number.NaN),
          api: (api?.responseEnd ?? Number.NaN) - (start ?? Number.NaN),
          check: (drawStart ?? Number.NaN) - (api?.responseEnd ?? Number.NaN),
          draw: (end ?? Number.NaN) - (drawStart ?? Number.NaN),
          developers: g.teampulse.dashboard.developers.length,
        };
      });
      if (i > 0) runs.push(run);
      if (args.screenshot && i === Number(args.runs)) {
        await page.screenshot({ path: args.screenshot, fullPage: true });
      }
      await page.close();
    }
    // The same request from Node (Chromium open and idle): the API's time without the page's.
    const api = `http://127.0.0.1:${gateway.port}/api/v1/orgs/${ORG}/dashboard?from=${FROM}&to=${TO}`;
    const alone: number[] = [];
    for (let i = 0; i < Number(args.runs); i++) {
      const t = performance.now();
      const res = await fetch(api, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`HTTP ${res.status} from ${api}`);
      await res.arrayBuffer();
      alone.push(performance.now() - t);
    }
    alone.sort((a, b) => a - b);
    const p50 = (k: keyof Run) =>
      percentile(
        runs.map((r) => r[k]).sort((a, b) => a - b),
        0.5,
      );
    const max = (k: keyof Run) => Math.max(...runs.map((r) => r[k]));
    process.stdout.write(
      [
        `${phase === 'cold' ? 'cold (no day kept: every answer reads the year)' : 'warm (the day cache filled by the load before)'}: page ${FROM} → ${TO}, ${p50('developers')} developers, ${runs.length} runs (Chromium, 1280×800)`,
        row('', 'p50 ms', 'max ms'),
        row(
          'API answer (fetch start → response end)',
          p50('api').toFixed(0),
          max('api').toFixed(0),
        ),
        row(
          '  the same GET from Node',
          percentile(alone, 0.5).toFixed(0),
          alone.at(-1)!.toFixed(0),
        ),
        row('parse + contract check', p50('check').toFixed(0), max('check').toFixed(0)),
        row('drawing (every panel laid out)', p50('draw').toFixed(0), max('draw').toFixed(0)),
        row('time to first render', p50('total').toFixed(0), max('total').toFixed(0)),
        `time to first render vs the ${GOAL_MS} ms goal: p50 ${(p50('total') / GOAL_MS).toFixed(2)}×, max ${(max('total') / GOAL_MS).toFixed(2)}× (< 1 is within the goal)`,
        '',
      ].join('\n'),
    );
  } finally {
    await gateway.stop();
  }
}
