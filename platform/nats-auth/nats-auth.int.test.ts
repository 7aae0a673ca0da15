import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { connectNats, NatsConnectError, type NatsConnection } from '../nats.ts';
import { ensureStreams } from '../streams.ts';
import { BODY_BUCKET, Consumers, Streams } from '../../schemas/streams.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { initAuthDir } from './auth-dir.ts';
import { mintUserCreds } from './mint-creds.ts';
import type { NatsRole } from './roles.ts';

let servers: TestServers;
const open: NatsConnection[] = [];
const cfg = () => loadConfig({}, { NATS_URL: servers.natsUrl, LOG_LEVEL: 'silent' });
const BIG = new Uint8Array(300 * 1024).map((_, i) => i % 251);

async function as(role: NatsRole, logger?: ReturnType<typeof createLogger>) {
  const nc = await connectNats(
    { ...cfg(), NATS_CREDS: servers.creds[role] },
    { name: `test-${role}`, role, ...(logger ? { logger } : {}) },
  );
  open.push(nc);
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
}

/** Messages in GITHUB and UPDATES: what a denied write must leave unchanged. */
async function logCounts() {
  const { jsm } = await as('admin');
  const g = await jsm.streams.info(Streams.github.name);
  const u = await jsm.streams.info(Streams.updates.name);
  return { github: g.state.messages, updates: u.state.messages };
}

const DENIED = /Permissions Violation for Publish/;

beforeAll(async () => {
  servers = await useServers({ redis: false, mongo: false });
  // What the roles set up when they start, each with its own creds.
  const ingest = await as('ingest');
  await ensureStreams(ingest.jsm, cfg(), [Streams.github.name]);
  const projector = await as('projector');
  await ensureStreams(projector.jsm, cfg());
  // The projector's durable as it makes it (platform/ imports no role, so spelled out here).
  await projector.jsm.consumers.add(Streams.github.name, {
    durable_name: Consumers.projector,
    filter_subject: 'github.push.>',
    ack_policy: AckPolicy.Explicit,
  });
}, 60_000);

afterAll(async () => {
  for (const nc of open) await nc.close().catch(() => undefined);
  await servers?.stop();
});

describe('nats auth - each role can do its job', () => {
  it('nats auth - ingest appends to github.> with a PubAck and writes a large body; it cannot write UPDATES', async () => {
    const { js } = await as('ingest');
    const ack = await js.publish('github.push.acme.api', '{"n":1}', { msgID: 'd-1' });
    expect(ack.stream).toBe(Streams.github.name);
    const store = await new Objm(js).create(BODY_BUCKET);
    await store.putBlob({ name: 'big-1' }, BIG);
    await expect(js.publish('teampulse.updates.acme.1', '{}')).rejects.toThrow(DENIED);
  });

  it('nats auth - the projector pulls and acks through its durable, publishes UPDATES, reads large bodies', async () => {
    const { js } = await as('projector');
    const consumer = await js.consumers.get(Streams.github.name, Consumers.projector);
    const msg = await consumer.next({ expires: 5000 });
    expect(msg?.subject).toBe('github.push.acme.api');
    expect(await msg!.ackAck()).toBe(true);
    const ack = await js.publish('teampulse.updates.acme.1', '{"seq":1}');
    expect(ack.stream).toBe(Streams.updates.name);
    const body = await (await new Objm(js).open(BODY_BUCKET)).getBlob('big-1');
    expect(body?.byteLength).toBe(BIG.byteLength);
    await expect(js.publish('github.push.acme.api', '{}')).rejects.toThrow(DENIED);
  });

  it('nats auth - the gateway reads UPDATES with an ordered consumer and direct get; it cannot publish', async () => {
    const { js, jsm } = await as('gateway');
    const ordered = await js.consumers.get(Streams.updates.name);
    const msg = await ordered.next({ expires: 5000 });
    expect(msg?.subject).toBe('teampulse.updates.acme.1');
    const direct = await jsm.direct.getMessage(Streams.updates.name, { seq: 1 });
    expect(direct?.subject).toBe('teampulse.updates.acme.1');
    await expect(js.publish('teampulse.updates.acme.1', '{}')).rejects.toThrow(DENIED);
  });
});

describe('nats auth - the analyst reads and cannot change the log', () => {
  it('nats auth - reads history with an ordered consumer, live events with a subscription, and a large body', async () => {
    const { nc, js, jsm } = await as('analyst');
    // One filter, given as a string: nats.js then names the consumer in the subject (an
    // array of filters would use the bare create, closed to analysts on GITHUB).
    const history = await js.consumers.get(Streams.github.name, {
      filter_subjects: 'github.push.>',
    });
    const first = await history.next({ expires: 5000 });
    expect(first?.json()).toEqual({ n: 1 });
    expect((await jsm.streams.getMessage(Streams.github.name, { seq: 1 }))?.subject).toBe(
      'github.push.acme.api',
    );
    const live = nc.subscribe('github.>', { max: 1 });
    await nc.flush();
    const { js: ingestJs } = await as('ingest');
    await ingestJs.publish('github.push.acme.web', '{"n":2}');
    for await (const m of live) expect(m.subject).toBe('github.push.acme.web');
    const body = await (await new Objm(js).open(BODY_BUCKET)).getBlob('big-1');
    expect(Buffer.from(body!).equals(Buffer.from(BIG))).toBe(true);
    // An ephemeral consumer of its own, named (the only way allowed), acked explicitly.
    const own = await jsm.consumers.add(Streams.github.name, {
      name: 'alice-1',
      ack_policy: AckPolicy.Explicit,
      inactive_threshold: 60_000_000_000,
    });
    const next = await (await js.consumers.get(Streams.github.name, own.name)).next();
    expect(await next!.ackAck()).toBe(true);
  });

  it('nats auth - every write is denied with a clear error, the server keeps running and the log is unchanged', async () => {
    const before = await logCounts();
    const projectorBefore = (await (await as('admin')).jsm.consumers.info('GITHUB', 'projector'))
      .config;
    const { nc, js, jsm } = await as('analyst');
    await expect(js.publish('github.push.evil.repo', '{"forged":true}')).rejects.toThrow(
      /Permissions Violation for Publish to "github.push.evil.repo"/,
    );
    await expect(js.publish('teampulse.updates.acme.1', '{}')).rejects.toThrow(DENIED);
    await expect(jsm.streams.delete(Streams.github.name)).rejects.toThrow(
      /Permissions Violation for Publish to "\$JS.API.STREAM.DELETE.GITHUB"/,
    );
    await expect(jsm.streams.purge(Streams.github.name)).rejects.toThrow(DENIED);
    await expect(
      jsm.streams.update(Streams.github.name, { max_msgs: 1, subjects: ['github.>'] }),
    ).rejects.toThrow(DENIED);
    await expect(jsm.streams.add({ name: 'MINE', subjects: ['mine.>'] })).rejects.toThrow(DENIED);
    await expect(jsm.consumers.delete(Streams.github.name, Consumers.projector)).rejects.toThrow(
      DENIED,
    );
    await expect(
      jsm.consumers.update(Streams.github.name, Consumers.projector, { max_deliver: 1 }),
    ).rejects.toThrow(DENIED);
    await expect(
      jsm.consumers.add(Streams.github.name, { durable_name: Consumers.projector }),
    ).rejects.toThrow(DENIED);
    // The bare create carries the consumer's name in the body only: naming the projector's
    // durable there would edit it, so analysts may not use that subject at all.
    const bare = { stream_name: 'GITHUB', config: { name: Consumers.projector, max_deliver: 1 } };
    await expect(
      nc.request('$JS.API.CONSUMER.CREATE.GITHUB', JSON.stringify(bare)),
    ).rejects.toThrow(/Permissions Violation for Publish to "\$JS.API.CONSUMER.CREATE.GITHUB"/);
    // Pulling from the projector's durable would steal its messages.
    await expect(js.consumers.get(Streams.github.name, Consumers.projector)).rejects.toThrow(
      DENIED,
    );
    expect(nc.isClosed()).toBe(false);
    expect(await logCounts()).toEqual(before);
    const projectorAfter = (await (await as('admin')).jsm.consumers.info('GITHUB', 'projector'))
      .config;
    expect(projectorAfter).toEqual(projectorBefore);
  });

  it("nats auth - the analyst cannot list consumers, so it cannot learn the gateway's ordered consumer's name to edit it", async () => {
    // A create naming an existing consumer edits it (a narrower filter would starve the
    // gateway silently); what keeps the gateway's and replay's consumers safe is that their
    // names are random and analysts may not list them.
    const { js: gatewayJs } = await as('gateway');
    const gatewayConsumer = await gatewayJs.consumers.get(Streams.updates.name);
    expect((await gatewayConsumer.next({ expires: 5000 }))?.subject).toBe(
      'teampulse.updates.acme.1',
    );
    const { nc, jsm } = await as('analyst');
    await expect(jsm.consumers.list(Streams.updates.name).next()).rejects.toThrow(
      /Permissions Violation for Publish to "\$JS.API.CONSUMER.LIST.UPDATES"/,
    );
    await expect(nc.request('$JS.API.CONSUMER.NAMES.UPDATES', '{}')).rejects.toThrow(DENIED);
    await expect(jsm.consumers.list(Streams.github.name).next()).rejects.toThrow(DENIED);
    expect(nc.isClosed()).toBe(false);
    // The gateway's consumer still reads everything.
    const { js: adminJs } = await as('admin');
    await adminJs.publish('teampulse.updates.other.2', '{"seq":2}');
    expect((await gatewayConsumer.next({ expires: 5000 }))?.subject).toBe(
      'teampulse.updates.other.2',
    );
  });

  it('nats auth - a durable of its own is not refused (subjects cannot tell it from an ephemeral), but the analyst cannot delete it; admin can', async () => {
    // What the README says: the name rides in the create's subject for both kinds, and
    // the durable flag in the body, past every subject rule. GITHUB keeps by limits, so
    // such a consumer holds nothing back; it only lingers until an admin removes it.
    const before = await logCounts();
    const { jsm } = await as('analyst');
    const made = await jsm.consumers.add(Streams.github.name, {
      durable_name: 'alice-durable',
      ack_policy: AckPolicy.Explicit,
    });
    expect(made.config.durable_name).toBe('alice-durable');
    await expect(jsm.consumers.delete(Streams.github.name, 'alice-durable')).rejects.toThrow(
      /Permissions Violation for Publish to "\$JS.API.CONSUMER.DELETE.GITHUB.alice-durable"/,
    );
    const { jsm: adminJsm } = await as('admin');
    expect(await adminJsm.consumers.delete(Streams.github.name, 'alice-durable')).toBe(true);
    expect(await logCounts()).toEqual(before);
  });

  it("nats auth - a push consumer delivering into the log's or UPDATES' subjects puts nothing there", async () => {
    // The server sends a push consumer's messages itself, past the analyst's publish rules:
    // checked here that it delivers nothing into a stream's subjects (an inbox gets it).
    const before = await logCounts();
    const { nc, jsm } = await as('analyst');
    let intoStreams = 0;
    let intoInbox = 0;
    nc.subscribe('github.>', { callback: () => void intoStreams++ });
    nc.subscribe('teampulse.updates.>', { callback: () => void intoStreams++ });
    nc.subscribe('_INBOX.push-probe', { callback: () => void intoInbox++ });
    await nc.flush();
    const push = (stream: string, name: string, deliver_subject: string) =>
      jsm.consumers.add(stream, { name, deliver_subject, ack_policy: AckPolicy.None });
    await push(Streams.updates.name, 'into-log', 'github.push.evil.repo');
    await push(Streams.github.name, 'into-updates', 'teampulse.updates.evil.1');
    await push(Streams.updates.name, 'into-inbox', '_INBOX.push-probe');
    const deadline = Date.now() + 5000;
    while (intoInbox === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    expect(intoInbox).toBeGreaterThan(0);
    expect(intoStreams).toBe(0);
    expect(await logCounts()).toEqual(before);
  });

  it("nats auth - a denied core publish or subscribe is one clear line in the role's log", async () => {
    const lines: string[] = [];
    const logger = createLogger(
      { level: 'error', role: 'analyst' },
      { write: (l: string) => void lines.push(l) },
    );
    const before = await logCounts();
    const { nc } = await as('analyst', logger);
    nc.publish('github.push.evil.repo', '{"forged":true}');
    // Someone else's replies: TeamPulse's roles answer into inboxes analysts cannot read.
    nc.subscribe('_TP_INBOX.>');
    await nc.flush();
    const deadline = Date.now() + 5000;
    while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain(
      'NATS denied publish on github.push.evil.repo: these credentials lack that permission',
    );
    expect(messages).toContain(
      'NATS denied subscription on _TP_INBOX.>: these credentials lack that permission',
    );
    expect(nc.isClosed()).toBe(false);
    expect(await logCounts()).toEqual(before);
  });
});

describe('nats auth - connecting', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tp-nats-auth-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('nats auth - with no credentials the server refuses the connection, and connectNats names the setting', async () => {
    await expect(connect({ servers: servers.natsUrl, reconnect: false })).rejects.toThrow(
      /Authorization Violation/,
    );
    const err = await connectNats(cfg(), { name: 't', role: 'analyst' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^invalid configuration: NATS_CREDS: required \(/);
  });

  it('nats auth - creds of another installation, an expired user, or a missing file are one clear error', async () => {
    const other = await initAuthDir(join(dir, 'other'));
    await expect(
      connectNats({ ...cfg(), NATS_CREDS: other.creds.analyst }, { name: 't', role: 'analyst' }),
    ).rejects.toThrow(
      new NatsConnectError(
        `NATS at ${servers.natsUrl} refused the credentials from NATS_CREDS (${other.creds.analyst}): Authorization Violation`,
      ),
    );
    const ours = await initAuthDir(join(servers.creds.admin, '..'));
    const expired = join(dir, 'expired.creds');
    const hourAgo = new Date(Date.now() - 3600_000);
    await writeFile(
      expired,
      await mintUserCreds(ours.keys, 'analyst', { expiresInSeconds: 60, now: hourAgo }),
    );
    await expect(
      connectNats({ ...cfg(), NATS_CREDS: expired }, { name: 't', role: 'analyst' }),
    ).rejects.toThrow(/refused the credentials from NATS_CREDS .*expired/i);
    await expect(
      connectNats(
        { ...cfg(), NATS_CREDS: join(dir, 'nope.creds') },
        { name: 't', role: 'analyst' },
      ),
    ).rejects.toThrow(/^invalid configuration: NATS_CREDS: cannot read .*nope.creds \(ENOENT\)$/);
  });

  it('nats auth - a newly minted analyst with an expiry connects without any server change', async () => {
    const ours = await initAuthDir(join(servers.creds.admin, '..'));
    const fresh = join(dir, 'alice.creds');
    await writeFile(
      fresh,
      await mintUserCreds(ours.keys, 'analyst', { name: 'alice', expiresInSeconds: 3600 }),
    );
    const nc = await connectNats(
      { ...cfg(), NATS_CREDS: fresh },
      { name: 'alice', role: 'analyst' },
    );
    open.push(nc);
    const info = await (await jetstreamManager(nc)).streams.info(Streams.github.name);
    expect(info.state.messages).toBeGreaterThan(0);
  });
});
