import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { startNats, type NatsServer } from '../local-stack/mod.ts';
import { connectNats, type NatsConnection } from '../nats.ts';
import { ensureStreams } from '../streams.ts';
import { LogAppender, type LogEntry } from './append.ts';

let dir: string;
let nats: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-append-'));
  nats = await startNats({ dataDir: dir });
  const cfg = loadConfig({}, { NATS_URL: nats.url, NATS_CREDS: nats.auth!.creds.admin });
  nc = await connectNats(cfg, { name: 'append-test', role: 'admin' });
  await ensureStreams(await jetstreamManager(nc), cfg);
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

const entry = (deliveryId: string): LogEntry => ({
  event: 'push',
  deliveryId,
  body: new TextEncoder().encode('{"zen":"x"}'),
  owner: 'acme',
  repo: 'web',
  receivedAt: new Date(),
  githubHeaders: {},
});

describe('log append', () => {
  it('log append - while the connection is down the append fails as NATS failed (not a TypeError), and works once it is back', async () => {
    const appender = new LogAppender(nc, { timeoutMs: 500 });
    expect((await appender.append(entry('before'))).seq).toBe(1);
    await nats.stop();
    // nc.info is undefined while reconnecting: the size check must not read through it.
    for (let i = 0; i < 100 && nc.info !== undefined; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(nc.info).toBeUndefined();
    const failed = await appender.append(entry('down')).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(failed).toBeInstanceOf(Error);
    expect(failed).not.toBeInstanceOf(TypeError);
    await nats.restart();
    let seq: number | undefined;
    for (let i = 0; i < 40 && seq === undefined; i++) {
      seq = await appender.append(entry('down')).then(
        (r) => r.seq,
        () => new Promise<undefined>((r) => setTimeout(() => r(undefined), 250)),
      );
    }
    expect(seq).toBe(2);
  });
});
