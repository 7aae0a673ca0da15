import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../platform/config.ts';
import { Streams } from '../schemas/streams.ts';
import { natsAs } from '../test/support/nats-as.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { FUZZ_SECRET, fuzzCase, validDelivery } from '../bench/support/fuzz-cases.ts';
import { FuzzSender } from '../bench/support/fuzz-send.ts';
import { formatReport, runFuzz } from '../bench/support/fuzz-run.ts';
import { startIngest, type IngestHandle } from './main.ts';

// The short form of `npm run bench:fuzz-ingest`: the same generator, checks and invariants.
const SEED = 20261130;
const COUNT = 3000;
const MAX_BODY = 1024 * 1024;

let servers: TestServers;
let nc: NatsConnection;
let jsm: JetStreamManager;
let ingest: IngestHandle;

beforeAll(async () => {
  servers = await useServers({ nats: true });
  nc = await connect({ servers: servers.natsUrl, ...natsAs(servers.creds, 'admin') });
  jsm = await jetstreamManager(nc);
  const cfg = loadConfig(
    {},
    {
      ...servers.natsEnv('ingest'),
      INGEST_PORT: '0',
      GITHUB_WEBHOOK_SECRET: FUZZ_SECRET,
      INGEST_MAX_BODY_BYTES: String(MAX_BODY),
      LOG_LEVEL: 'silent',
    },
  );
  ingest = await startIngest(cfg);
});

/** Starts a body it never finishes (Content-Length says more), then resets the connection. */
async function abandonBody(port: number): Promise<void> {
  const sock = tcpConnect({ host: '127.0.0.1', port });
  await new Promise((r) => sock.once('connect', r));
  sock.write(
    'POST /api/v1/webhooks/github HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
      `x-github-event: push\r\nx-github-delivery: gone\r\nx-hub-signature-256: sha256=${'a'.repeat(64)}\r\n` +
      'content-length: 100000\r\n\r\n{"zen":',
  );
  await new Promise((r) => setTimeout(r, 50));
  sock.resetAndDestroy();
}

afterAll(async () => {
  await ingest?.stop();
  await nc?.close();
  await servers?.stop();
});

describe('ingest under hostile input', () => {
  it('ingest-fuzz - clients that go away mid-body give their in-flight slot back (no lasting 503 overloaded)', async () => {
    const small = await startIngest(
      loadConfig(
        {},
        {
          ...servers.natsEnv('ingest'),
          INGEST_PORT: '0',
          GITHUB_WEBHOOK_SECRET: FUZZ_SECRET,
          INGEST_MAX_INFLIGHT: '2',
          LOG_LEVEL: 'silent',
        },
      ),
    );
    const sender = new FuzzSender(small.port, 1);
    try {
      for (let i = 0; i < 5; i++) await abandonBody(small.port);
      await new Promise((r) => setTimeout(r, 200));
      const a = await sender.send(validDelivery(`gone-${Date.now()}`));
      expect(a.status, a.body).toBe(200);
    } finally {
      sender.close();
      await small.stop();
    }
  });

  it('ingest-fuzz - the generator is a pure function of (seed, index)', () => {
    const opts = { seed: SEED, tag: 't', maxBodyBytes: MAX_BODY };
    for (const i of [0, 1, 77, 2999]) expect(fuzzCase(i, opts)).toEqual(fuzzCase(i, opts));
    expect(fuzzCase(5, opts)).not.toEqual(fuzzCase(5, { ...opts, seed: SEED + 1 }));
  });

  it(`ingest-fuzz - ${COUNT} adversarial requests: each answered as documented, no 503, up throughout, log grows by exactly the accepted`, async () => {
    const report = await runFuzz({
      port: ingest.port,
      count: COUNT,
      seed: SEED,
      tag: `t${Date.now().toString(36)}`,
      maxBodyBytes: MAX_BODY,
      concurrency: 8,
      healthEvery: 250,
      maxSeconds: 240,
      streamMessages: async () => (await jsm.streams.info(Streams.github.name)).state.messages,
    });
    const summary = formatReport(report);
    expect(report.sent, summary).toBe(COUNT);
    // Every class the generator knows was sent.
    expect(report.classes.size, summary).toBeGreaterThanOrEqual(25);
    expect(report.failures.slice(0, 10), summary).toEqual([]);
    expect(report.status503, summary).toBe(0);
    expect(report.healthFailures, summary).toBe(0);
    expect(report.healthProbes).toBeGreaterThan(COUNT / 250);
    expect(report.accepted, summary).toBeGreaterThan(COUNT / 10);
    expect(report.grew, summary).toBe(report.accepted);
    expect((await fetch(`http://127.0.0.1:${ingest.port}/readyz`)).status).toBe(200);
  }, 300_000);
});
