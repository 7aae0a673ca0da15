import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.ts';
import { startNats, type NatsServer } from '../platform/local-stack/mod.ts';
import { postWebhook } from '../test/support/sign.ts';
import { encodeRecord } from './spool/record.ts';
import { metric, until } from '../test/support/role-process.ts';
import {
  logDeliveries,
  pushBody,
  startIngestChild,
  type IngestChild,
} from './testing/spool-harness.ts';
import { startIngest, type IngestHandle } from './main.ts';

// The spool against a real nats-server that is stopped, restarted, and outlived by a
// SIGKILLed ingest: every delivery that got a 2xx ends in the log exactly once, in order.

const SECRET = 'spool-secret';
const APPEND_TIMEOUT_MS = 800;
let dir: string;
let nats: NatsServer;
const children: IngestChild[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-ingest-spool-'));
  nats = await startNats({ dataDir: join(dir, 'nats') });
});

afterAll(async () => {
  for (const c of children) await c.kill();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

function inProcess(spoolDir: string, extra: Record<string, string> = {}): Promise<IngestHandle> {
  return startIngest(
    loadConfig(
      {},
      {
        NATS_URL: nats.url,
        NATS_CREDS: nats.auth!.creds.ingest,
        INGEST_PORT: '0',
        GITHUB_WEBHOOK_SECRET: SECRET,
        INGEST_APPEND_TIMEOUT_MS: String(APPEND_TIMEOUT_MS),
        INGEST_SPOOL_DIR: join(dir, spoolDir),
        LOG_LEVEL: 'silent',
        ...extra,
      },
    ),
  );
}

async function child(spoolDir: string): Promise<IngestChild> {
  const c = await startIngestChild({
    NATS_URL: nats.url,
    NATS_CREDS: nats.auth!.creds.ingest,
    GITHUB_WEBHOOK_SECRET: SECRET,
    INGEST_APPEND_TIMEOUT_MS: String(APPEND_TIMEOUT_MS),
    INGEST_SPOOL_DIR: join(dir, spoolDir),
  });
  children.push(c);
  return c;
}

/** Restarts NATS if a failed test left it stopped. */
async function natsUp() {
  if (nats.pid === undefined) await nats.restart();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each id once, and `ids` in the order they were sent. */
function expectOnceInOrder(log: string[], ids: string[]) {
  const wanted = new Set(ids);
  const seen = log.filter((id) => wanted.has(id));
  expect(seen).toEqual(ids);
}

describe('ingest - spool', () => {
  beforeEach(natsUp);

  it('ingest - NATS stopped under load: every 2xx delivery ends in the log once, in send order per sender', async () => {
    const ingest = await inProcess('spool-load');
    const base = `http://127.0.0.1:${ingest.port}`;
    try {
      const LANES = 4;
      let sending = true;
      const sent: { id: string; status: number; answer: string }[][] = [];
      const lanes = Array.from({ length: LANES }, async (_, lane) => {
        const mine: (typeof sent)[number] = (sent[lane] = []);
        for (let i = 0; sending && i < 400; i++) {
          const id = `load-${lane}-${i}`;
          const res = await postWebhook(base, pushBody(lane, i), { secret: SECRET, delivery: id });
          mine.push({
            id,
            status: res.status,
            answer: (res.json as { status?: string }).status ?? '',
          });
          await sleep(60);
        }
      });

      await sleep(1500);
      await nats.stop();
      await sleep(4000);
      // Down, the spool has room: ingest stays ready and says it is spooling.
      const ready = await fetch(`${base}/readyz`);
      const readyBody = (await ready.json()) as { notes?: string[] };
      expect(ready.status).toBe(200);
      expect(readyBody.notes?.join(' ')).toMatch(/spooling: \d+ deliveries/);
      await sleep(11_000);
      await nats.restart();
      await sleep(3000);
      sending = false;
      await Promise.all(lanes);

      await until(
        'the spool to drain',
        async () => (await metric(base, 'teampulse_ingest_spool_records')) === 0,
      );
      const all = sent.flat();
      // With room in the spool nothing gets a 503: each answer is 200 (log) or 202 (spool).
      expect(all.filter((s) => s.status !== 200 && s.status !== 202)).toEqual([]);
      const spooled = all.filter((s) => s.status === 202);
      expect(spooled.every((s) => s.answer === 'spooled')).toBe(true);
      expect(spooled.length).toBeGreaterThan(20);
      expect(all.length - spooled.length).toBeGreaterThan(20);
      expect(await metric(base, 'teampulse_ingest_spool_forwarded_total')).toBeGreaterThanOrEqual(
        spooled.length,
      );

      const log = await logDeliveries(nats.url, nats.auth!.creds);
      expect(new Set(log).size).toBe(log.length);
      for (const mine of sent)
        expectOnceInOrder(
          log,
          mine.map((s) => s.id),
        );
      console.info(
        `spool under load: ${all.length} deliveries, ${spooled.length} spooled during a 15 s outage, all in the log once`,
      );
    } finally {
      await natsUp();
      await ingest.stop();
    }
  }, 90_000);

  it('ingest - spool full: 503 log_unavailable and not ready; what was spooled is forwarded when NATS returns', async () => {
    // Room for a few records of ~5.5 KB each.
    const CAP = 20_000;
    const ingest = await inProcess('spool-full', { INGEST_SPOOL_MAX_BYTES: String(CAP) });
    const base = `http://127.0.0.1:${ingest.port}`;
    try {
      await nats.stop();
      const answers: number[] = [];
      for (let i = 0; i < 40 && answers.filter((a) => a === 503).length < 2; i++) {
        const res = await postWebhook(base, pushBody(9, i), {
          secret: SECRET,
          delivery: `full-${i}`,
        });
        answers.push(res.status);
        if (res.status === 503)
          expect(res.json).toMatchObject({ error: { code: 'log_unavailable' } });
      }
      // 202 until the cap, then 503 for every delivery after.
      const taken = answers.indexOf(503);
      expect(taken).toBeGreaterThanOrEqual(2);
      expect(answers).toEqual([...Array<number>(taken).fill(202), 503, 503]);
      const bytes = await metric(base, 'teampulse_ingest_spool_bytes');
      expect(bytes).toBeLessThanOrEqual(CAP);
      expect(bytes).toBeGreaterThan(CAP / 2);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);

      await nats.restart();
      await until(
        'the spool to drain',
        async () => (await metric(base, 'teampulse_ingest_spool_records')) === 0,
      );
      const log = await logDeliveries(nats.url, nats.auth!.creds);
      const ids = answers.map((_, i) => `full-${i}`);
      expectOnceInOrder(log, ids.slice(0, taken));
      for (const refused of ids.slice(taken)) expect(log).not.toContain(refused);
      // Drained, the next delivery goes straight to the log.
      const after = await postWebhook(base, pushBody(9, 99), {
        secret: SECRET,
        delivery: 'full-after',
      });
      expect(after.status).toBe(200);
    } finally {
      await natsUp();
      await ingest.stop();
    }
  }, 60_000);

  it('ingest - SIGKILL with deliveries in the spool: the next process forwards it all once; a torn tail is dropped; re-forwarding dedupes', async () => {
    const first = await child('spool-crash');
    await nats.stop();
    const ids = Array.from({ length: 30 }, (_, i) => `crash-${i}`);
    for (const [i, id] of ids.entries()) {
      const res = await postWebhook(first.base, pushBody(7, i), { secret: SECRET, delivery: id });
      expect(res.status).toBe(202);
    }
    await first.kill();

    // A crash mid-write leaves half a record that no one got a 2xx for.
    const spoolDir = join(dir, 'spool-crash');
    const segs = (await readdir(spoolDir)).filter((n) => n.endsWith('.spool')).sort();
    const torn = encodeRecord({
      event: 'push',
      deliveryId: 'crash-torn',
      body: Buffer.from(pushBody(7, 99)),
      owner: 'spool',
      repo: 'lane-7',
      receivedAt: new Date(),
      githubHeaders: {},
    });
    await appendFile(join(spoolDir, segs.at(-1)!), torn.subarray(0, torn.length - 10));
    // A copy, to play a crash after the PubAcks but before the segments were deleted.
    await cp(spoolDir, join(dir, 'spool-crash-copy'), { recursive: true });

    await nats.restart();
    const second = await child('spool-crash');
    await until(
      'the spool to drain',
      async () => (await metric(second.base, 'teampulse_ingest_spool_records')) === 0,
    );
    expect(await metric(second.base, 'teampulse_ingest_spool_torn_bytes_total')).toBe(
      torn.length - 10,
    );
    let log = await logDeliveries(nats.url, nats.auth!.creds);
    expectOnceInOrder(log, ids);
    expect(log).not.toContain('crash-torn');
    await second.stop();

    await rm(spoolDir, { recursive: true });
    await cp(join(dir, 'spool-crash-copy'), spoolDir, { recursive: true });
    const third = await child('spool-crash');
    await until(
      'the spool to drain',
      async () => (await metric(third.base, 'teampulse_ingest_spool_records')) === 0,
    );
    // Forwarded again with the same Nats-Msg-Id: the stream's dedupe keeps one of each.
    expect(
      await metric(third.base, 'teampulse_ingest_spool_forwarded_total', 'outcome="duplicate"'),
    ).toBe(30);
    log = await logDeliveries(nats.url, nats.auth!.creds);
    expectOnceInOrder(log, ids);
    await third.stop();
  }, 90_000);

  it('ingest - started while NATS is away: serves at once, spools, forwards once NATS answers', async () => {
    await nats.stop();
    const cold = await child('spool-cold');
    const ready = await fetch(`${cold.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { notes?: string[] }).notes).toContain(
      'nats: not reached since start',
    );
    const ids = Array.from({ length: 10 }, (_, i) => `cold-${i}`);
    for (const [i, id] of ids.entries()) {
      const res = await postWebhook(cold.base, pushBody(6, i), { secret: SECRET, delivery: id });
      expect(res.status).toBe(202);
    }
    await nats.restart();
    await until(
      'the spool to drain',
      async () => (await metric(cold.base, 'teampulse_ingest_spool_records')) === 0,
    );
    expectOnceInOrder(await logDeliveries(nats.url, nats.auth!.creds), ids);
    const after = await postWebhook(cold.base, pushBody(6, 99), { secret: SECRET });
    expect(after.status).toBe(200);
    await cold.stop();
  }, 60_000);

  it('ingest - two processes on one host each have their own spool; a second on the same spool is refused', async () => {
    const a = await child('spool-a');
    const b = await child('spool-b');
    await nats.stop();
    try {
      for (const [c, name] of [
        [a, 'a'],
        [b, 'b'],
      ] as const) {
        const res = await postWebhook(c.base, pushBody(5, 0), {
          secret: SECRET,
          delivery: `two-${name}`,
        });
        expect(res.status).toBe(202);
      }
      expect(await metric(a.base, 'teampulse_ingest_spool_records')).toBe(1);
      expect(await metric(b.base, 'teampulse_ingest_spool_records')).toBe(1);
    } finally {
      await nats.restart();
    }
    await expect(child('spool-a')).rejects.toThrow(
      `spool ${join(dir, 'spool-a')} is in use by process ${a.pid}; give each ingest process its own INGEST_SPOOL_DIR`,
    );
    await until(
      'both spools to drain',
      async () =>
        (await metric(a.base, 'teampulse_ingest_spool_records')) +
          (await metric(b.base, 'teampulse_ingest_spool_records')) ===
        0,
    );
    const log = await logDeliveries(nats.url, nats.auth!.creds);
    expectOnceInOrder(log, ['two-a']);
    expectOnceInOrder(log, ['two-b']);
    await a.stop();
    await b.stop();
  }, 60_000);
});
