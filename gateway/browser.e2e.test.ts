import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collections } from '../schemas/read-models.ts';
import { ensureReadModelIndexes } from '../platform/mongo.ts';
import type { Gateway } from './main.ts';
import { startHarness, type Harness } from './testing/harness.ts';
import { commitsUpdated, publishUpdate } from './testing/updates.ts';

/** Debian's Chromium (apt `chromium`); playwright cannot download browsers here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

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

beforeAll(async () => {
  h = await startHarness();
  await ensureReadModelIndexes(h.db);
  gw = await h.gateway();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
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
    await h.db.collection(Collections.commits).insertMany([1, 2, 3].map(commitDoc));
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
    await h.db.collection(Collections.commits).insertOne(commitDoc(4));
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

/** Waits for the page's connection state (`document.body.dataset.state`, set by page.js). */
async function waitState(page: Page, state: string, timeout = 5000): Promise<void> {
  await page.waitForFunction(
    (s) => (globalThis as unknown as PageGlobals).document.body.dataset.state === s,
    state,
    { timeout },
  );
}
