import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureReadModelIndexes } from '../platform/mongo.ts';
import type { Gateway } from './main.ts';
import { startHarness, type Harness } from './testing/harness.ts';
import { commitsUpdated, publishUpdate } from './testing/updates.ts';
import { tcpRelay } from './testing/tcp-relay.ts';
import {
  deleteCommits,
  INITECH,
  initechCommit,
  insertCommits,
  seedInitech,
  type SeededOrg,
} from './testing/dashboard-seed.ts';

/** The browser globals the page functions use (the project compiles without the DOM lib). */
interface PageGlobals {
  frames_: { event: string; seq?: number }[];
  ready: Promise<void>;
  location: { host: string };
  document: {
    getElementById(id: string): { textContent: string | null } | null;
    body: { dataset: Record<string, string | undefined> };
  };
  sessionStorage: { getItem(key: string): string | null };
  WebSocket: new (url: string) => { onmessage: ((e: { data: unknown }) => void) | null };
}

let h: Harness;
let gw: Gateway;
let browser: Browser;
let initech: SeededOrg;

/** Screenshots of the page, kept by CI as test artifacts (git-ignored). */
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url).pathname;

beforeAll(async () => {
  h = await startHarness();
  await ensureReadModelIndexes(h.db);
  initech = await seedInitech(h.db);
  gw = await h.gateway();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

function commitDoc(n: number) {
  return {
    sha: n.toString(16).padStart(40, 'a'),
    repoId: '42',
    orgId: 'acme',
    authorGithubId: n % 2 ? 'alice' : 'bob',
    message: `commit ${n}`,
    timestamp: new Date(Date.UTC(2025, 10, 19, 10, n % 60)),
    filesCount: 1,
    modulePaths: ['src'],
    processed: true as const,
  };
}

describe('browser', () => {
  it("browser - Chromium's own WebSocket gets its org's commits:update and nothing of another org", async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${gw.port}/healthz`);
    const token = await h.token(['acme']);
    await page.evaluate((t) => {
      const w = globalThis as unknown as PageGlobals;
      w.frames_ = [];
      const ws = new w.WebSocket(`ws://${w.location.host}/ws?token=${t}`);
      w.ready = new Promise((resolve) => {
        ws.onmessage = (e) => {
          const f = JSON.parse(String(e.data)) as { event: string; seq?: number };
          w.frames_.push(f);
          if (f.event === 'ready') resolve();
        };
      });
      return w.ready;
    }, token);
    await publishUpdate(h.js, commitsUpdated('globex', '1', 5));
    const seq = await publishUpdate(h.js, commitsUpdated('acme', '42', 2));
    await page.waitForFunction(
      (s) => (globalThis as unknown as PageGlobals).frames_.some((f) => f.seq === s),
      seq,
      { timeout: 5000 },
    );
    const frames = await page.evaluate(() => (globalThis as unknown as PageGlobals).frames_);
    expect(frames.filter((f) => (f as { event: string }).event === 'commits:update')).toEqual([
      { event: 'commits:update', room: 'org:acme', seq, data: commitsUpdated('acme', '42', 2) },
    ]);
    await page.close();
  });

  it('browser - the dashboard page refetches the API on commits:update and shows the new numbers', async () => {
    await insertCommits(h.db, [1, 2, 3].map(commitDoc));
    const page = await browser.newPage();
    const token = await h.token(['acme']);
    await page.goto(`http://127.0.0.1:${gw.port}/?token=${token}&from=2025-11-13&to=2025-11-19`);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document
          .getElementById('status')
          ?.textContent?.startsWith('live'),
      undefined,
      {
        timeout: 5000,
      },
    );
    expect(await page.textContent('#commits')).toBe('3');

    // What the projector does: write the read model, then publish the update.
    await insertCommits(h.db, [commitDoc(4)]);
    const started = Date.now();
    const seq = await publishUpdate(h.js, commitsUpdated('acme', '42', 1));
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.getElementById('commits')?.textContent ===
        '4',
      undefined,
      {
        timeout: 5000,
      },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(Number(await page.textContent('#seq'))).toBeGreaterThanOrEqual(seq);
    expect(await page.locator('#devs tr').count()).toBe(2);
    await page.close();
  });

  it('browser - the page takes ?token= out of the address bar into sessionStorage, and a reload still works', async () => {
    const page = await browser.newPage();
    const token = await h.token(['acme']);
    await page.goto(`http://127.0.0.1:${gw.port}/?token=${token}&from=2025-11-13&to=2025-11-19`);
    await waitState(page, 'live');
    expect(page.url()).toBe(`http://127.0.0.1:${gw.port}/?from=2025-11-13&to=2025-11-19`);
    expect(page.url()).not.toContain(token);
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).sessionStorage.getItem('teampulse.token'),
      ),
    ).toBe(token);
    await page.reload();
    await waitState(page, 'live');
    expect(await page.textContent('#commits')).not.toBe('–');
    await page.close();
  });

  it('browser - a token that expires while open shows "sign in again" and the page stops reconnecting', async () => {
    const page = await browser.newPage();
    let sockets = 0;
    page.on('websocket', () => sockets++);
    const token = await h.token(['acme'], { ttlSeconds: 1 });
    await page.goto(`http://127.0.0.1:${gw.port}/?token=${token}&from=2025-11-13&to=2025-11-19`);
    await waitState(page, 'live');
    // The gateway closes the socket with 4001 once exp (+2 s tolerance) has passed.
    await waitState(page, 'unauthorized', 15_000);
    expect(await page.textContent('#status')).toContain('sign in again');
    await new Promise((r) => setTimeout(r, 2500));
    expect(sockets).toBe(1);
    await page.close();
  });

  it('browser - a token already expired at load shows "sign in again" and opens no socket', async () => {
    const page = await browser.newPage();
    let sockets = 0;
    page.on('websocket', () => sockets++);
    const expired = await h.token(['acme'], { ttlSeconds: 1 }, Date.now() - 120_000);
    await page.goto(`http://127.0.0.1:${gw.port}/?token=${expired}&from=2025-11-13&to=2025-11-19`);
    await waitState(page, 'unauthorized');
    expect(await page.textContent('#status')).toContain('sign in again');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sockets).toBe(0);
    await page.close();
  });
});

const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** What the page exposes for tests as `window.teampulse` (see gateway/page/page.js). */
interface PageState {
  frames: { seq: number }[];
  flashed: string[];
  states: string[];
  firstRenderMs?: number;
}
const pageState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { teampulse: PageState }).teampulse);
const attr = (page: Page, key: string, name = 'data-v') =>
  page.getAttribute(`[data-k="${key}"]`, name);

/** Opens the page on a view; `errors` collects console errors (CSP violations among them). */
async function openPage(
  view: string,
  opts: { size?: keyof typeof SIZES; orgs?: string[]; port?: number } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: SIZES[opts.size ?? 'desktop'] });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const token = await h.token(opts.orgs ?? ['initech', 'acme', 'hooli']);
  await page.goto(`http://127.0.0.1:${opts.port ?? gw.port}/?token=${token}&${view}`);
  return { page, errors };
}
const INITECH_VIEW = `org=initech&from=${INITECH.from}&to=${INITECH.to}`;

/** The dashboard API's own answer, for comparing what the page shows. */
async function api(path: string, orgs = ['initech', 'acme', 'hooli'], port = gw.port) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${await h.token(orgs)}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('dashboard page', () => {
  for (const size of ['desktop', 'phone'] as const) {
    it(`dashboard page - every panel renders from real data at ${size} size (screenshot in test-artifacts/)`, async () => {
      const { page, errors } = await openPage(INITECH_VIEW, { size });
      await waitState(page, 'live');
      expect(await page.textContent('#commits')).toBe(String(initech.commits));
      // Commits over time: a bar segment per repository and day, with the seeded count.
      const [repoDay, n] = [...initech.byRepoDay].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
      const [repoId, day] = repoDay.split(':');
      expect(await attr(page, `s:${repoId}:${day}`)).toBe(String(n));
      expect(await page.textContent('#series-legend')).toContain('initech/tps-reports');
      // Day heatmap: one cell per day, month and weekday labels, a label per cell.
      expect(await page.locator('#calendar rect.cell').count()).toBe(19);
      expect(await attr(page, 'd:2025-11-19')).toBe(String(initech.byDay.get('2025-11-19') ?? 0));
      expect(await attr(page, 'd:2025-11-19', 'aria-label')).toBe(
        `Wednesday, Nov 19, 2025: ${initech.byDay.get('2025-11-19') ?? 0} commits`,
      );
      expect(await page.locator('#calendar text').allTextContents()).toEqual(
        expect.arrayContaining(['Nov', 'Mon', 'Wed', 'Fri']),
      );
      // Punch card in the authors' local time: 7 × 24 cells, each slot the seeded count.
      expect(await page.locator('#punch circle.cell').count()).toBe(168);
      for (const [slot, count] of initech.byLocalSlot) {
        expect(await attr(page, `p:${slot}`), slot).toBe(String(count));
      }
      // Top modules, named by repository.
      expect(await page.locator('#modules li').first().textContent()).toMatch(
        /^initech\/tps-reports · reports\d+$/,
      );
      // Developers by display name, with the login where there is one; never a raw id.
      const devs = await page.textContent('#devs');
      expect(devs).toContain('Peter Gibbons@peter');
      expect(devs).toContain('Milton Waddams');
      expect(devs).not.toContain('email:');
      // A tooltip per cell on hover, and the activity index explained on focus.
      await page.hover('[data-k="d:2025-11-19"]');
      expect(await page.textContent('#tip')).toContain('Nov 19, 2025');
      // Keyboard: one tab stop per chart, arrow keys move between days (a column is a week).
      await page.focus('#calendar rect.cell[tabindex="0"]');
      const focused = () =>
        page.evaluate(
          () =>
            (
              globalThis as unknown as {
                document: { activeElement: { getAttribute(n: string): string | null } | null };
              }
            ).document.activeElement?.getAttribute('data-k') ?? null,
        );
      expect(await focused()).toBe('d:2025-11-01');
      await page.keyboard.press('ArrowRight');
      expect(await focused()).toBe('d:2025-11-08');
      await page.keyboard.press('ArrowDown');
      expect(await focused()).toBe('d:2025-11-09');
      expect(await page.textContent('#tip')).toBe(
        'Sunday, Nov 9, 2025: ' + (initech.byDay.get('2025-11-09') ?? 0) + ' commits',
      );
      await page.focus('.help');
      expect(await page.isVisible('#ai-help')).toBe(true);
      expect(await page.textContent('#ai-help')).toContain('mean of three shares');
      // Fits the screen: nothing but the charts' own boxes scrolls sideways.
      expect(
        await page.evaluate(() => {
          const d = (
            globalThis as unknown as {
              document: { documentElement: { scrollWidth: number; clientWidth: number } };
            }
          ).document;
          return d.documentElement.scrollWidth <= d.documentElement.clientWidth;
        }),
      ).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}dashboard-${size}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('dashboard page - a push changes exactly its cells without a reload, and they flash', async () => {
    const { page } = await openPage(INITECH_VIEW);
    await waitState(page, 'live');
    const before = {
      day: Number(await attr(page, 'd:2025-11-19')),
      other: await attr(page, 'd:2025-11-18'),
      slot: Number(await attr(page, 'p:2:15')),
      series: Number((await attr(page, 's:102:2025-11-19')) ?? 0),
    };
    // Samir (no UTC offset) commits to the printer at 15:20 UTC on Wednesday 19th.
    await insertCommits(h.db, [initechCommit(1013, new Date('2025-11-19T15:20:00Z'))]);
    const seq = await publishUpdate(h.js, commitsUpdated('initech', '102', 1));
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as PageGlobals).document.getElementById('commits')?.textContent ===
        String(n),
      initech.commits + 1,
      { timeout: 5000 },
    );
    expect(await attr(page, 'd:2025-11-19')).toBe(String(before.day + 1));
    expect(await attr(page, 'p:2:15')).toBe(String(before.slot + 1));
    expect(await attr(page, 's:102:2025-11-19')).toBe(String(before.series + 1));
    expect(await attr(page, 'd:2025-11-18')).toBe(before.other);
    for (const k of ['d:2025-11-19', 'p:2:15', 's:102:2025-11-19', 't:commits']) {
      expect(await attr(page, k, 'class'), k).toContain('flash');
    }
    expect(await attr(page, 'd:2025-11-18', 'class')).not.toContain('flash');
    const st = await pageState(page);
    expect(st.frames.map((f) => f.seq)).toEqual([seq]);
    expect(st.flashed).toEqual(
      expect.arrayContaining(['d:2025-11-19', 'p:2:15', 's:102:2025-11-19', 'dev:samir']),
    );
    expect(await page.textContent('#status')).toMatch(/^live · last update /);
    // Keep the shared data as the other tests expect it.
    await deleteCommits(h.db, INITECH.orgId, { sha: initechCommit(1013).sha });
    await page.close();
  });

  it('dashboard page - after the gateway restarts it resumes with no gap: the frames and numbers equal the API', async () => {
    const relay = await tcpRelay();
    const g1 = await h.gateway();
    relay.to(g1.port);
    const docs = [1001, 1002].map((n) =>
      initechCommit(n, new Date(`2025-11-1${n - 1000}T12:00:00Z`)),
    );
    try {
      const { page } = await openPage(INITECH_VIEW, { port: relay.port });
      await waitState(page, 'live');
      relay.to(undefined);
      await g1.stop();
      await waitState(page, 'resuming');
      // While no gateway runs: two pushes land in the read model and in UPDATES.
      const seqs: number[] = [];
      for (const d of docs) {
        await insertCommits(h.db, [d]);
        seqs.push(await publishUpdate(h.js, commitsUpdated('initech', d.repoId, 1)));
      }
      const g2 = await h.gateway();
      relay.to(g2.port);
      await waitState(page, 'live', 20_000);
      await page.waitForFunction(
        (n) =>
          (globalThis as unknown as PageGlobals).document.getElementById('commits')?.textContent ===
          String(n),
        initech.commits + 2,
        { timeout: 5000 },
      );
      const st = await pageState(page);
      expect(st.frames.map((f) => f.seq)).toEqual(seqs);
      expect(st.states).toEqual(expect.arrayContaining(['live', 'resuming']));
      const { body } = await api(
        `/api/v1/orgs/initech/dashboard?from=${INITECH.from}&to=${INITECH.to}`,
        undefined,
        g2.port,
      );
      const d = body as unknown as {
        totals: { commits: number };
        heatmap: { days: { day: string; commits: number }[] };
      };
      expect(await page.textContent('#commits')).toBe(String(d.totals.commits));
      for (const x of d.heatmap.days) {
        expect(await attr(page, `d:${x.day}`)).toBe(String(x.commits));
      }
      await page.close();
      await g2.stop();
    } finally {
      await relay.close();
      await deleteCommits(h.db, INITECH.orgId, { sha: { $in: docs.map((x) => x.sha) } });
    }
  });

  it('dashboard page - bad from/to, an org not in the token and a too-long range show the API error in words', async () => {
    const cases = [
      ['initech', '2025-13-01', '2025-11-19', 'This range cannot be shown'],
      ['initech', '2025-11-20', '2025-11-19', 'This range cannot be shown'],
      ['globex', '2025-11-01', '2025-11-19', 'This org is not open to you'],
      ['initech', '2023-01-01', '2025-11-19', 'This range is too long'],
    ] as const;
    const page = await browser.newPage();
    const token = await h.token(['initech']);
    for (const [org, from, to, head] of cases) {
      const { status, body } = await api(`/api/v1/orgs/${org}/dashboard?from=${from}&to=${to}`, [
        'initech',
      ]);
      expect(status).toBeGreaterThanOrEqual(400);
      const message = (body as { error: { message: string } }).error.message;
      await page.goto(
        `http://127.0.0.1:${gw.port}/?token=${token}&org=${org}&from=${from}&to=${to}`,
      );
      await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
      expect(await page.textContent('#error')).toBe(`${head}: ${message}.`);
      expect(await page.locator('#panels svg').count()).toBe(0);
    }
    await page.close();
  });

  it('dashboard page - an org with no commits shows an empty state, not empty charts', async () => {
    const { page, errors } = await openPage('org=hooli&from=2025-11-01&to=2025-11-19');
    await waitState(page, 'live');
    expect(await page.isVisible('#empty')).toBe(true);
    expect(await page.textContent('#empty')).toContain(
      'hooli has no commits from Nov 1, 2025 to Nov 19, 2025',
    );
    expect(await page.isVisible('#panels')).toBe(false);
    expect(await page.textContent('#commits')).toBe('0');
    await page.screenshot({ path: `${ARTIFACTS}dashboard-empty.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dashboard page - org picker and range presets change the view in the URL; back and forward restore it', async () => {
    const { page } = await openPage(INITECH_VIEW);
    await waitState(page, 'live');
    expect(await page.locator('#org-picker option').allTextContents()).toEqual([
      'initech',
      'acme',
      'hooli',
    ]);
    await page.click('.presets button[data-days="7"]');
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * 864e5).toISOString().slice(0, 10);
    await page.waitForURL(`**/?org=initech&from=${weekAgo}&to=${today}`);
    expect(await page.getAttribute('.presets button[data-days="7"]', 'aria-pressed')).toBe('true');
    await waitState(page, 'live');
    await page.selectOption('#org-picker', 'acme');
    await page.waitForURL(`**/?org=acme&from=${weekAgo}&to=${today}`);
    await page.goBack();
    await page.waitForURL(`**/?org=initech&from=${weekAgo}&to=${today}`);
    await page.goBack();
    await page.waitForURL(`**/?${INITECH_VIEW}`);
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as PageGlobals).document.getElementById('commits')?.textContent ===
        String(n),
      initech.commits,
      { timeout: 5000 },
    );
    expect(await page.inputValue('#from-input')).toBe(INITECH.from);
    await page.goForward();
    await page.waitForURL(`**/?org=initech&from=${weekAgo}&to=${today}`);
    expect(await page.inputValue('#from-input')).toBe(weekAgo);
    // Typed dates: the form keeps the org and changes the range.
    await page.fill('#from-input', '2025-11-10');
    await page.fill('#to-input', '2025-11-19');
    await page.press('#to-input', 'Enter');
    await page.waitForURL('**/?org=initech&from=2025-11-10&to=2025-11-19');
    await waitState(page, 'live');
    expect(await page.locator('#calendar rect.cell').count()).toBe(10);
    await page.close();
  });
});

/** Waits for the page's connection state (`document.body.dataset.state`, set by page.js). */
async function waitState(page: Page, state: string, timeout = 5000): Promise<void> {
  await page.waitForFunction(
    (s) => (globalThis as unknown as PageGlobals).document.body.dataset.state === s,
    state,
    { timeout },
  );
}
