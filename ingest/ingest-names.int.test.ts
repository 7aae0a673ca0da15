import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../platform/config.ts';
import { readLogHeaders } from '../platform/log/headers.ts';
import { Streams } from '../schemas/streams.ts';
import { githubSubject, parseGithubSubject } from '../schemas/subject.ts';
import { buildPushPayload } from '../platform/github/push-payload.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { natsAs } from '../test/support/nats-as.ts';
import { postWebhook, signBody } from '../test/support/sign.ts';
import { startIngest, type IngestHandle } from './main.ts';

// Validly signed deliveries whose owner or repository name no real GitHub name holds: a
// control character (a newline would have been a header injection in ce-source) gets 400
// naming the field and nothing is stored; other odd names get 200 with a subject and
// ce-source that percent-encode them; never the 503 that GitHub would redeliver forever.

const SECRET = 'names-secret';
let servers: TestServers;
let nc: NatsConnection;
let jsm: JetStreamManager;
let ingest: IngestHandle;
let base: string;

beforeAll(async () => {
  servers = await useServers({ nats: true });
  nc = await connect({ servers: servers.natsUrl, ...natsAs(servers.creds, 'admin') });
  jsm = await jetstreamManager(nc);
  ingest = await startIngest(
    loadConfig(
      {},
      {
        ...servers.natsEnv('ingest'),
        INGEST_PORT: '0',
        GITHUB_WEBHOOK_SECRET: SECRET,
        LOG_LEVEL: 'silent',
      },
    ),
  );
  base = `http://127.0.0.1:${ingest.port}`;
});

afterAll(async () => {
  await ingest?.stop();
  await nc?.close();
  await servers?.stop();
});

function push(owner: string, repo: string): string {
  return JSON.stringify(buildPushPayload({ owner, repo, repoId: 9, commits: [] }));
}

/** Sends raw bytes to ingest and resolves everything it answers before closing. */
function rawPost(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(ingest.port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

async function stored(seq: number) {
  const msg = await jsm.streams.getMessage(Streams.github.name, { seq });
  if (!msg) throw new Error(`no message at seq ${seq}`);
  return msg;
}

describe('ingest - odd names', () => {
  const refused: [string, string, string, string][] = [
    ['a newline in the repository name', 'acme', 'evil\nrepo', 'repository.name'],
    ['CR LF and a header in the repository name', 'acme', 'x\r\nX-Injected: 1', 'repository.name'],
    ['control characters in the owner', 'ac\u0001me\u007f', 'api', 'repository.owner.login'],
    ['a tab in the owner', 'ac me\t', 'api', 'repository.owner.login'],
    ['a C1 control in the repository name', 'acme', 'api\u0085', 'repository.name'],
  ];
  for (const [what, owner, repo, field] of refused) {
    it(`ingest - ${what}: 400 unroutable_event naming ${field}, nothing stored`, async () => {
      const before = (await jsm.streams.info(Streams.github.name)).state.messages;
      const res = await postWebhook(base, push(owner, repo), { secret: SECRET });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        error: {
          code: 'unroutable_event',
          message: expect.stringContaining(`${field}: holds a control character`),
        },
      });
      expect((await jsm.streams.info(Streams.github.name)).state.messages).toBe(before);
    });
  }

  const cases: [string, string, string][] = [
    ['spaces in both', 'ac me', ' api '],
    ['Unicode in both', 'ÄCME-ü', 'ρεπο😀'],
    ['300-character names', 'o'.repeat(300), 'r.'.repeat(150)],
  ];
  for (const [what, owner, repo] of cases) {
    it(`ingest - ${what}: 200, subject and ce-source encode the names`, async () => {
      const res = await postWebhook(base, push(owner, repo), { secret: SECRET });
      expect(res.status).toBe(200);
      const { seq, subject } = res.json as { seq: number; subject: string };
      expect(subject).toBe(githubSubject('push', owner, repo));
      const msg = await stored(seq);
      expect(msg.subject).toBe(subject);
      expect(parseGithubSubject(subject)).toEqual({
        event: 'push',
        owner: owner.toLowerCase(),
        repo: repo.toLowerCase(),
      });
      const source = readLogHeaders(msg.header, seq).source!;
      expect(source).toBe(
        `https://github.com/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`,
      );
      // A URI-reference: no character outside RFC 3986's unreserved, reserved and `%`.
      expect(source).toMatch(/^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/);
      const url = new URL(source);
      expect(url.pathname.split('/').slice(1).map(decodeURIComponent)).toEqual([owner, repo]);
      expect(msg.header.get('X-Injected')).toBe('');
    });
  }

  it('ingest - a name that is not well-formed Unicode gets 400 invalid_delivery naming the field', async () => {
    const res = await postWebhook(base, push('acme', 'bad\ud800name'), { secret: SECRET });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: {
        code: 'invalid_delivery',
        message: expect.stringMatching(/: repo is not well-formed/),
      },
    });
  });

  it('ingest - names too long for a log subject get 400 invalid_delivery naming the subject', async () => {
    const res = await postWebhook(base, push('😀'.repeat(300), '😀'.repeat(300)), {
      secret: SECRET,
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: { code: 'invalid_delivery', message: expect.stringMatching(/: subject is \d+ bytes/) },
    });
    // The connection survived: the next delivery is appended.
    expect((await postWebhook(base, push('acme', 'api'), { secret: SECRET })).status).toBe(200);
  });

  it('ingest - a copied GitHub header with a control character gets 400 bad_header naming it', async () => {
    // fetch refuses to send such a header, so the request is written by hand. DEL is the
    // control uWS lets through; it drops a request with C0 controls in a header itself.
    const body = push('acme', 'api');
    const raw = await rawPost(
      [
        'POST /api/v1/webhooks/github HTTP/1.1',
        'host: 127.0.0.1',
        'content-type: application/json',
        'x-github-event: push',
        `x-github-delivery: ${crypto.randomUUID()}`,
        `x-hub-signature-256: ${signBody(SECRET, body)}`,
        'x-github-hook-id: 12\u007f34',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
        '',
        body,
      ].join('\r\n'),
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain(
      '{"error":{"code":"bad_header","message":"X-GitHub-Hook-ID holds a control character"}}',
    );
  });
});
