import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { logBody } from '../platform/log/read.ts';
import { uwsIsNative } from '../platform/http/listen.ts';
import { BODY_BUCKET, LogHeaders, Streams } from '../schemas/streams.ts';
import { parseGithubSubject } from '../schemas/subject.ts';
import { buildPushPayload } from '../platform/github/push-payload.ts';
import { natsAs } from '../test/support/nats-as.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { startNats } from '../platform/local-stack/mod.ts';
import { postWebhook, signBody } from '../test/support/sign.ts';
import { startIngest, type IngestHandle } from './main.ts';
import { contractErrors, headersRecord } from '../scripts/contract/check-message.ts';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const example = (name: string, i = 0) => examples.find((e) => e.name === name)!.examples[i]!;

const SECRET = 'test-secret';
let servers: TestServers;
let nc: NatsConnection;
let jsm: JetStreamManager;
let ingest: IngestHandle;
let base: string;

async function lastMessage(seq: number, m: JetStreamManager = jsm) {
  const msg = await m.streams.getMessage(Streams.github.name, { seq });
  if (!msg) throw new Error(`no message at seq ${seq}`);
  return msg;
}

beforeAll(async () => {
  servers = await useServers({ nats: true });
  nc = await connect({ servers: servers.natsUrl, ...natsAs(servers.creds, 'admin') });
  jsm = await jetstreamManager(nc);
  const cfg = loadConfig(
    {},
    {
      ...servers.natsEnv('ingest'),
      INGEST_PORT: '0',
      GITHUB_WEBHOOK_SECRET: `${SECRET},old-secret`,
      GITHUB_REPO_SECRETS: JSON.stringify({ 'acme/private-repo': 'repo-only-secret' }),
      INGEST_MAX_BODY_BYTES: String(2 * 1024 * 1024),
      LOG_LEVEL: 'silent',
    },
  );
  ingest = await startIngest(cfg);
  base = `http://127.0.0.1:${ingest.port}`;
});

afterAll(async () => {
  await ingest?.stop();
  await nc?.close();
  await servers?.stop();
});

describe('ingest', () => {
  it('ingest - runs on the native uWS binding, not the ws fallback', () => {
    expect(uwsIsNative()).toBe(true);
  });

  it('ingest - a real GitHub push is appended byte-exact with its headers', async () => {
    const body = JSON.stringify(example('push', 4), null, 2) + '\n';
    const delivery = crypto.randomUUID();
    const res = await postWebhook(base, body, {
      delivery,
      secret: SECRET,
      headers: { 'x-github-hook-id': '292' },
    });
    expect(res.status).toBe(200);
    const { seq, status, subject } = res.json as { seq: number; status: string; subject: string };
    expect(status).toBe('accepted');
    expect(subject).toBe('github.push.codertocat.hello-world');
    const msg = await lastMessage(seq);
    expect(Buffer.from(msg.data).equals(Buffer.from(body))).toBe(true);
    expect(msg.subject).toBe(subject);
    const h = msg.header;
    expect(h.get('Nats-Msg-Id')).toBe(delivery);
    expect(h.get('X-GitHub-Event')).toBe('push');
    expect(h.get('X-GitHub-Delivery')).toBe(delivery);
    expect(h.get('X-GitHub-Hook-ID')).toBe('292');
    expect(h.get(LogHeaders.ceSpecVersion)).toBe('1.0');
    expect(h.get(LogHeaders.ceId)).toBe(delivery);
    expect(h.get(LogHeaders.ceType)).toBe('com.github.push');
    expect(h.get(LogHeaders.ceSource)).toBe('https://github.com/Codertocat/Hello-World');
    expect(Date.parse(h.get(LogHeaders.ceTime))).toBeGreaterThan(Date.now() - 60_000);
    expect(h.get(LogHeaders.receivedAt)).toBe(h.get(LogHeaders.ceTime));
    expect(contractErrors('IngestAccepted', res.json)).toEqual([]);
    expect(contractErrors('LogMessageHeaders', headersRecord(h))).toEqual([]);
  });

  it('ingest - ping answers 200 and is appended under its own subject', async () => {
    const res = await postWebhook(base, JSON.stringify(example('ping')), {
      event: 'ping',
      secret: SECRET,
    });
    expect(res.status).toBe(200);
    expect((res.json as { subject: string }).subject).toMatch(/^github\.ping\./);
  });

  it('ingest - an event type we do not project is still appended under its own subject', async () => {
    const res = await postWebhook(base, JSON.stringify(example('pull_request')), {
      event: 'pull_request',
      secret: SECRET,
    });
    expect(res.status).toBe(200);
    const { seq } = res.json as { seq: number };
    expect((await lastMessage(seq)).subject).toMatch(/^github\.pull_request\.[^.]+\.[^.]+$/);
  });

  it('ingest - repository names with dots and odd characters round-trip through the subject', async () => {
    for (const repo of ['socket.io', 'dots.in.name', '.github']) {
      const body = JSON.stringify(
        buildPushPayload({ owner: 'Socket.IO-Org', repo, repoId: 7, commits: [] }),
      );
      const res = await postWebhook(base, body, { secret: SECRET });
      expect(res.status).toBe(200);
      const msg = await lastMessage((res.json as { seq: number }).seq);
      expect(parseGithubSubject(msg.subject)).toEqual({
        event: 'push',
        owner: 'socket.io-org',
        repo,
      });
    }
  });

  it('ingest - a duplicate delivery id is answered 2xx and appended once', async () => {
    const body = JSON.stringify(example('push', 5));
    const delivery = crypto.randomUUID();
    const before = (await jsm.streams.info(Streams.github.name)).state.messages;
    const first = await postWebhook(base, body, { delivery, secret: SECRET });
    const second = await postWebhook(base, body, { delivery, secret: SECRET });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((second.json as { status: string }).status).toBe('duplicate');
    expect((second.json as { seq: number }).seq).toBe((first.json as { seq: number }).seq);
    expect((await jsm.streams.info(Streams.github.name)).state.messages).toBe(before + 1);
  });

  it('ingest - secrets in rotation are all accepted', async () => {
    const body = JSON.stringify(example('push', 4));
    expect((await postWebhook(base, body, { secret: SECRET })).status).toBe(200);
    expect((await postWebhook(base, body, { secret: 'old-secret' })).status).toBe(200);
  });

  it('ingest - a repository secret replaces the global ones for that repository', async () => {
    const body = JSON.stringify(
      buildPushPayload({ owner: 'acme', repo: 'private-repo', repoId: 9, commits: [] }),
    );
    expect((await postWebhook(base, body, { secret: 'repo-only-secret' })).status).toBe(200);
    const global = await postWebhook(base, body, { secret: SECRET });
    expect(global.status).toBe(401);
    expect(global.json).toEqual({
      error: { code: 'signature_invalid', message: 'signature does not match the body' },
    });
  });

  it('ingest - bad signatures get 401 with a JSON error, and nothing is appended', async () => {
    const body = JSON.stringify(example('push', 4));
    const before = (await jsm.streams.info(Streams.github.name)).state.messages;
    const cases: [Parameters<typeof postWebhook>[2], string][] = [
      [{ signature: null }, 'signature_missing'],
      [{ signature: 'sha256=nothex' }, 'signature_malformed'],
      [{ signature: 'sha1=' + signBody(SECRET, body).slice(7, 47) }, 'signature_malformed'],
      [{ secret: 'wrong-secret' }, 'signature_invalid'],
      [
        { signature: signBody(SECRET, body.replace('Codertocat', 'Attacker')) },
        'signature_invalid',
      ],
    ];
    for (const [opts, code] of cases) {
      const res = await postWebhook(base, body, opts);
      expect(res.status, code).toBe(401);
      expect((res.json as { error: { code: string } }).error.code).toBe(code);
    }
    const tampered = await postWebhook(base, body.replace('Hello-World', 'Hello-Evil'), {
      signature: signBody(SECRET, body),
    });
    expect(tampered.status).toBe(401);
    expect((await jsm.streams.info(Streams.github.name)).state.messages).toBe(before);
  });

  it('ingest - not JSON gets 415, truncated JSON 400, missing headers 400', async () => {
    const body = JSON.stringify(example('push', 4));
    const form = await postWebhook(base, `payload=${encodeURIComponent(body)}`, {
      contentType: 'application/x-www-form-urlencoded',
      secret: SECRET,
    });
    expect(form.status).toBe(415);
    expect((form.json as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const truncated = body.slice(0, body.length / 2);
    const trunc = await postWebhook(base, truncated, { secret: SECRET });
    expect(trunc.status).toBe(400);
    expect((trunc.json as { error: { code: string } }).error.code).toBe('malformed_json');
    const noEvent = await postWebhook(base, body, { secret: SECRET, event: '' });
    expect(noEvent.status).toBe(400);
    expect((noEvent.json as { error: { message: string } }).error.message).toMatch(
      /X-GitHub-Event/,
    );
    const noDelivery = await postWebhook(base, body, { secret: SECRET, delivery: '' });
    expect(noDelivery.status).toBe(400);
    expect((noDelivery.json as { error: { message: string } }).error.message).toMatch(
      /X-GitHub-Delivery/,
    );
    const notUtf8 = Buffer.concat([
      Buffer.from('{"a":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const bad = await postWebhook(base, notUtf8, { secret: SECRET });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { code: string } }).error.code).toBe('body_not_utf8');
  });

  it('ingest - a body over the cap gets 413, declared or streamed', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(3 * 1024 * 1024) });
    const declared = await postWebhook(base, big, { secret: SECRET });
    expect(declared.status).toBe(413);
    expect((declared.json as { error: { code: string } }).error.code).toBe('payload_too_large');
    // Chunked: no Content-Length, so the cap is enforced while reading.
    const chunk = new TextEncoder().encode('x'.repeat(256 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${base}/api/v1/webhooks/github`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': signBody(SECRET, 'whatever'),
      },
    }).catch((err: unknown) => err as Error);
    // The server answers 413 and closes; depending on timing the client sees the answer or the reset.
    if (res instanceof Response) expect(res.status).toBe(413);
    else expect(String(res)).toMatch(/fetch failed|socket|reset|closed/i);
  });

  it('ingest - many concurrent deliveries are all appended, none lost', async () => {
    const n = 300;
    const before = (await jsm.streams.info(Streams.github.name)).state.messages;
    const bodies = Array.from({ length: n }, (_, i) =>
      JSON.stringify(
        buildPushPayload({
          owner: 'load',
          repo: `r${i % 7}`,
          repoId: 100 + (i % 7),
          commits: [{ author: `dev${i % 5}`, timestamp: '2026-11-19T10:00:00Z', message: `c${i}` }],
        }),
      ),
    );
    const results = await Promise.all(bodies.map((b) => postWebhook(base, b, { secret: SECRET })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(n);
    expect((await jsm.streams.info(Streams.github.name)).state.messages).toBe(before + n);
  });

  it('ingest - ops endpoints answer: healthz, readyz, metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, problems: [] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/teampulse_ingest_requests_total\{[^}]*status="200"/);
    expect(metrics).toMatch(/teampulse_ingest_append_seconds_bucket/);
    expect(metrics).toMatch(/teampulse_ingest_bytes_total/);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe('ingest - large bodies', () => {
  it('ingest - a body above max_payload is kept whole in the object store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tp-bignats-'));
    const small = await startNats({ dataDir: dir, maxPayload: 64 * 1024 });
    const c = await connect({ servers: small.url, ...natsAs(small.auth!.creds, 'analyst') });
    const handle = await startIngest(
      loadConfig(
        {},
        {
          NATS_URL: small.url,
          NATS_CREDS: small.auth!.creds.ingest,
          INGEST_PORT: '0',
          GITHUB_WEBHOOK_SECRET: SECRET,
          LOG_LEVEL: 'silent',
        },
      ),
    );
    try {
      const commits = Array.from({ length: 400 }, (_, i) => ({
        author: `dev${i % 9}`,
        timestamp: '2026-11-19T10:00:00Z',
        message: `commit ${i} `.repeat(20),
      }));
      const body = JSON.stringify(
        buildPushPayload({ owner: 'big', repo: 'mono', repoId: 5, commits }),
      );
      expect(body.length).toBeGreaterThan(200 * 1024);
      const res = await postWebhook(`http://127.0.0.1:${handle.port}`, body, { secret: SECRET });
      expect(res.status).toBe(200);
      const js = jetstream(c);
      const msg = await lastMessage((res.json as { seq: number }).seq, await jetstreamManager(c));
      expect(msg.data.byteLength).toBe(0);
      expect(msg.header.get(LogHeaders.bodySize)).toBe(String(body.length));
      expect(contractErrors('LogMessageHeaders', headersRecord(msg.header))).toEqual([]);
      const stored = await logBody({ headers: msg.header, data: msg.data }, () =>
        new Objm(js).open(BODY_BUCKET),
      );
      expect(Buffer.from(stored).equals(Buffer.from(body))).toBe(true);
    } finally {
      await handle.stop();
      await c.close();
      await small.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ingest - start-up', () => {
  it('ingest - a second start changes nothing; a conflicting stream is reported, not overwritten', async () => {
    const s = await useServers({ nats: true });
    const c = await connect({ servers: s.natsUrl, ...natsAs(s.creds, 'admin') });
    const m = await jetstreamManager(c);
    const cfg = loadConfig(
      {},
      {
        ...s.natsEnv('ingest'),
        INGEST_PORT: '0',
        GITHUB_WEBHOOK_SECRET: SECRET,
        LOG_LEVEL: 'silent',
      },
    );
    try {
      await (await startIngest(cfg)).stop();
      const first = (await m.streams.info(Streams.github.name)).config;
      await (await startIngest(cfg)).stop();
      expect((await m.streams.info(Streams.github.name)).config).toEqual(first);
      const other = loadConfig(
        {},
        {
          ...s.natsEnv('ingest'),
          INGEST_PORT: '0',
          GITHUB_WEBHOOK_SECRET: SECRET,
          LOG_LEVEL: 'silent',
          STREAM_MAX_AGE_SECONDS: '3600',
        },
      );
      await expect(startIngest(other)).rejects.toThrow(
        /GITHUB exists with a conflicting configuration \(max_age/,
      );
      expect((await m.streams.info(Streams.github.name)).config.max_age).toBe(0);
    } finally {
      await c.close();
      await s.stop();
    }
  });

  it('ingest - logs carry the delivery id and never a secret', async () => {
    const s = await useServers({ nats: true });
    const lines: string[] = [];
    const capture = createLogger(
      { level: 'debug', role: 'ingest' },
      { write: (l: string) => void lines.push(l) },
    );
    const handle = await startIngest(
      loadConfig(
        {},
        {
          ...s.natsEnv('ingest'),
          INGEST_PORT: '0',
          GITHUB_WEBHOOK_SECRET: 'super-secret-value',
          LOG_LEVEL: 'debug',
        },
      ),
      { logger: capture },
    );
    try {
      const delivery = crypto.randomUUID();
      const body = JSON.stringify(example('push', 4));
      await postWebhook(`http://127.0.0.1:${handle.port}`, body, {
        secret: 'super-secret-value',
        delivery,
      });
      await postWebhook(`http://127.0.0.1:${handle.port}`, body, {
        secret: 'wrong',
        delivery: 'bad-' + delivery,
      });
      const all = lines.join('\n');
      expect(all).toContain(delivery);
      expect(all).not.toContain('super-secret-value');
      expect(all).not.toContain(signBody('super-secret-value', body).slice(7));
    } finally {
      await handle.stop();
      await s.stop();
    }
  });
});
