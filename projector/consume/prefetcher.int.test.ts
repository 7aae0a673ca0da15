import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { startNats, type NatsServer } from '../../platform/local-stack/mod.ts';
import { ensureStreams } from '../../platform/streams.ts';
import { Consumers, Streams } from '../../schemas/streams.ts';
import { githubSubject } from '../../schemas/subject.ts';
import { natsAs } from '../../test/support/nats-as.ts';
import { ensureConsumer, projectorConsumerConfig } from './consumer-setup.ts';
import { Prefetcher } from './prefetcher.ts';

// The prefetcher is what bounds a projector's memory when it falls behind (the soak's
// projector RSS rises while a slow batch waits): it holds at most two batches, and the
// server never has more than those plus the batch in flight outstanding for it.

const BATCH = 50;
const MESSAGES = 1000;
let dir: string;
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-prefetcher-'));
  nats = await startNats({ dataDir: dir });
  nc = await connect({ servers: nats.url, ...natsAs(nats.auth!.creds, 'admin') });
  jsm = await jetstreamManager(nc);
  const cfg = loadConfig({}, { NATS_URL: nats.url, PROJECTOR_BATCH_SIZE: String(BATCH) });
  await ensureStreams(jsm, cfg);
  await ensureConsumer(jsm, Streams.github.name, projectorConsumerConfig(cfg));
  const js = jetstream(nc);
  const body = new Uint8Array(2048);
  for (let i = 0; i < MESSAGES; i++)
    await js.publish(githubSubject('push', 'org', `repo${i % 5}`), body, { msgID: `m${i}` });
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('prefetcher', () => {
  it('prefetcher - holds at most two batches however far behind the consumer is', async () => {
    const consumer = await jetstream(nc).consumers.get(Streams.github.name, Consumers.projector);
    const logger = createLogger({ level: 'silent', role: 'projector' });
    const pf = new Prefetcher(consumer, { batchSize: BATCH, expiresMs: 1000, logger });
    const outstanding = async () =>
      (await jsm.consumers.info(Streams.github.name, Consumers.projector)).num_ack_pending;
    pf.start();
    let most = 0;
    let taken = 0;
    let mostOutstanding = 0;
    try {
      // A slow batch: nothing taken for a while, with 1,000 messages waiting in the log.
      await new Promise((r) => setTimeout(r, 1500));
      most = pf.buffered().length;
      expect(most).toBe(BATCH);
      while (taken < MESSAGES) {
        const batch = await pf.take(BATCH, 20);
        taken += batch.length;
        most = Math.max(most, pf.buffered().length);
        // The batch in flight plus what is prefetched: all the server has out for us.
        mostOutstanding = Math.max(mostOutstanding, await outstanding());
        for (const m of batch) m.ack();
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      const left = await pf.stop();
      for (const m of left) m.nak();
    }
    expect(taken).toBe(MESSAGES);
    expect(most).toBeLessThanOrEqual(2 * BATCH - 1);
    expect(mostOutstanding).toBeLessThanOrEqual(3 * BATCH);
  }, 60_000);
});
