import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { loadConfig } from '../platform/config.ts';
import { startNats, type NatsServer } from '../platform/local-stack/mod.ts';
import { Streams } from '../schemas/streams.ts';
import { buildPushPayload } from '../platform/github/push-payload.ts';
import { natsAs } from '../test/support/nats-as.ts';
import { postWebhook } from '../test/support/sign.ts';
import { startIngest, type IngestHandle } from './main.ts';

const SECRET = 'fault-secret';
const APPEND_TIMEOUT_MS = 1500;
let dir: string;
let nats: NatsServer;
let ingest: IngestHandle;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-ingest-fault-'));
  nats = await startNats({ dataDir: dir });
  ingest = await startIngest(
    loadConfig(
      {},
      {
        NATS_URL: nats.url,
        NATS_CREDS: nats.auth!.creds.ingest,
        INGEST_PORT: '0',
        GITHUB_WEBHOOK_SECRET: SECRET,
        INGEST_APPEND_TIMEOUT_MS: String(APPEND_TIMEOUT_MS),
        // The spool off: what ingest answers without it (ingest-spool.int.test.ts has it on).
        INGEST_SPOOL_MAX_BYTES: '0',
        LOG_LEVEL: 'silent',
      },
    ),
  );
  base = `http://127.0.0.1:${ingest.port}`;
});

afterAll(async () => {
  await ingest?.stop();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('ingest - faults', () => {
  it('ingest - spool off: JetStream down gives 503 in bounded time; once back the same delivery is accepted once', async () => {
    const body = JSON.stringify(
      buildPushPayload({
        owner: 'acme',
        repo: 'api',
        repoId: 1,
        commits: [{ author: 'alice', timestamp: '2026-11-19T10:00:00Z' }],
      }),
    );
    expect((await postWebhook(base, body, { secret: SECRET })).status).toBe(200);

    await nats.stop();
    const delivery = crypto.randomUUID();
    const started = Date.now();
    const down = await postWebhook(base, body, { secret: SECRET, delivery });
    const took = Date.now() - started;
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ error: { code: 'log_unavailable' } });
    // Bounded by the append timeout (plus scheduling slack), well inside GitHub's 10 s.
    expect(took).toBeLessThan(APPEND_TIMEOUT_MS + 3000);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);

    await nats.restart();
    // GitHub's redelivery of the failed delivery, once the log is back.
    let again = await postWebhook(base, body, { secret: SECRET, delivery });
    for (let i = 0; again.status !== 200 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 250));
      again = await postWebhook(base, body, { secret: SECRET, delivery });
    }
    expect(again.status).toBe(200);

    const nc = await connect({ servers: nats.url, ...natsAs(nats.auth!.creds, 'admin') });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(Streams.github.name);
      // The first delivery survived the restart, and the redelivered one is in once.
      expect(info.state.messages).toBe(2);
      const seq = (again.json as { seq: number }).seq;
      const msg = await jsm.streams.getMessage(Streams.github.name, { seq });
      expect(msg?.header.get('Nats-Msg-Id')).toBe(delivery);
    } finally {
      await nc.close();
    }
  });
});
