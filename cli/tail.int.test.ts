import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.ts';
import { initAuthDir } from '../platform/nats-auth/mod.ts';
import { ensureStreams } from '../platform/streams.ts';
import { LogHeaders, Streams } from '../schemas/streams.ts';
import { analystEnv, connectAsAnalyst, seedLog, type LogSeeder } from '../test/support/analysts.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { planTail, type TailOptions } from './tail/plan.ts';
import type { TailRecord } from './tail/record.ts';
import { runTail } from './tail/run-tail.ts';

const execFileAsync = promisify(execFile);

let servers: TestServers;
let log: LogSeeder;
let analyst: NatsConnection;
/** A time between the first three appends and the rest. */
let middle: Date;
const LARGE = 9 * 1024 * 1024; // above the shipped 8 MiB max_payload

beforeAll(async () => {
  servers = await useServers({ redis: false, mongo: false });
  // Only GITHUB at first: the "stream missing" test reads UPDATES before it exists.
  log = await seedLog(servers, [Streams.github.name]);
  await log.push({
    owner: 'octo',
    repo: 'hello-world',
    repoId: 1,
    deliveryId: 'd-1',
    commits: [
      { author: 'alice', timestamp: '2026-11-01T10:00:00Z' },
      { author: 'alice', timestamp: '2026-11-01T11:00:00Z' },
    ],
  });
  await log.push({
    owner: 'octo',
    repo: 'socket.io',
    repoId: 2,
    deliveryId: 'd-2',
    commits: [{ author: 'bob', withUsername: false, timestamp: '2026-11-01T12:00:00Z' }],
  });
  await log.event('issues', 'octo', 'hello-world', 'd-3', { action: 'opened' });
  await new Promise((r) => setTimeout(r, 30));
  middle = new Date();
  await new Promise((r) => setTimeout(r, 30));
  await log.push({
    owner: 'other',
    repo: 'thing',
    repoId: 3,
    deliveryId: 'd-4',
    commits: [{ author: 'alice', timestamp: '2026-11-02T10:00:00Z' }],
  });
  const large = await log.push({
    owner: 'Octo',
    repo: 'Hello-World',
    repoId: 1,
    deliveryId: 'd-5',
    pad: LARGE,
    commits: [{ author: 'carol', timestamp: '2026-11-02T11:00:00Z' }],
  });
  expect(large.external).toBe(true);
  analyst = await connectAsAnalyst(servers);
}, 120_000);

afterAll(async () => {
  await analyst?.close();
  await log?.close();
  await servers?.stop();
});

/** Runs a tail in this process until it ends by itself, collecting its lines. */
async function tail(o: TailOptions): Promise<string[]> {
  let out = '';
  await runTail(analyst, planTail(o), { write: (t) => (out += t) });
  return out.split('\n').filter((l) => l.length > 0);
}

async function tailRecords(o: TailOptions): Promise<TailRecord[]> {
  const lines = await tail({ ...o, output: 'ndjson', untilEnd: true });
  return lines.map((l) => JSON.parse(l) as TailRecord);
}

const seqs = (records: TailRecord[]) => records.map((r) => r.seq);

/** The real command, as a user runs it, with the analyst's environment. */
function cli(args: string[], env: Record<string, string> = analystEnv(servers)) {
  return execFileAsync('node', ['bin/teampulse.js', 'tail', ...args], {
    env: { ...process.env, ...env },
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

describe('tail - reading history to the end', () => {
  it('prints every message from --from-seq 1 as NDJSON: seq, time, subject, tokens, headers, body', async () => {
    const records = await tailRecords({ fromSeq: 1 });
    expect(seqs(records)).toEqual([1, 2, 3, 4, 5]);
    const first = records[0]!;
    expect(first.subject).toBe('github.push.octo.hello-world');
    expect(first.tokens).toEqual({ event: 'push', owner: 'octo', repo: 'hello-world' });
    expect(first.headers[LogHeaders.msgId]).toBe('d-1');
    expect(first.headers[LogHeaders.ceType]).toBe('com.github.push');
    expect(Number.isNaN(Date.parse(first.time))).toBe(false);
    expect((first.body as { commits: unknown[] }).commits).toHaveLength(2);
    expect(records[1]!.tokens).toEqual({ event: 'push', owner: 'octo', repo: 'socket.io' });
    expect(records[2]!.body).toEqual({ action: 'opened' });
  });

  it('fetches a body above max_payload whole from the object store', async () => {
    const [large] = await tailRecords({ fromSeq: 5 });
    expect(large!.headers[LogHeaders.bodyRef]).toBe('d-5');
    const body = large!.body as { padding: string; commits: { author: { username: string } }[] };
    expect(body.padding).toHaveLength(LARGE);
    expect(body.commits[0]!.author.username).toBe('carol');
    // Owner and repo are lower-cased in the subject, whatever GitHub's spelling.
    expect(large!.tokens).toEqual({ event: 'push', owner: 'octo', repo: 'hello-world' });
  });

  it('filters by --event and --org', async () => {
    expect(seqs(await tailRecords({ event: 'push', org: 'octo', fromSeq: 1 }))).toEqual([1, 2, 5]);
  });

  it('filters by --org/--repo case-insensitively, and by owner/name', async () => {
    expect(seqs(await tailRecords({ org: 'OCTO', repo: 'Hello-World', fromSeq: 1 }))).toEqual([
      1, 3, 5,
    ]);
    const dotted = await tailRecords({ repo: 'octo/socket.io', fromSeq: 1 });
    expect(seqs(dotted)).toEqual([2]);
    expect(dotted[0]!.subject).toBe('github.push.octo.socket%2Eio');
  });

  it('filters by a raw --subject', async () => {
    expect(seqs(await tailRecords({ subject: 'github.issues.>', fromSeq: 1 }))).toEqual([3]);
  });

  it('--last n starts with the last n matching messages', async () => {
    expect(seqs(await tailRecords({ event: 'push', last: 2 }))).toEqual([4, 5]);
    expect(seqs(await tailRecords({ org: 'octo', last: 2 }))).toEqual([3, 5]);
    expect(seqs(await tailRecords({ event: 'push', last: 50 }))).toEqual([1, 2, 4, 5]);
  });

  it('--since a time starts at the first message stored at or after it', async () => {
    expect(seqs(await tailRecords({ since: middle.toISOString() }))).toEqual([4, 5]);
    expect(seqs(await tailRecords({ since: '1h' }))).toEqual([1, 2, 3, 4, 5]);
  });

  it('--until-end with no start (new messages only) ends at once with nothing', async () => {
    expect(await tail({ untilEnd: true })).toEqual([]);
    expect(await tail({ event: 'ping', fromSeq: 1, untilEnd: true })).toEqual([]);
  });

  it('prints one short human line per message', async () => {
    const lines = await tail({ fromSeq: 1, untilEnd: true });
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\S+Z #1 push octo\/hello-world d-1 2 commits$/);
    expect(lines[1]).toMatch(/#2 push octo\/socket\.io d-2 1 commit$/);
    expect(lines[2]).toMatch(/#3 issues octo\/hello-world d-3 opened$/);
    expect(lines[4]).toMatch(/#5 push octo\/hello-world d-5 1 commit \(large body\)$/);
  });
});

describe('tail - following', () => {
  it('from a sequence, prints history and then live messages until stopped', async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    let seen: () => void = () => undefined;
    const sawLive = new Promise<void>((r) => (seen = r));
    const done = runTail(analyst, planTail({ fromSeq: 5, output: 'ndjson' }), {
      signal: abort.signal,
      write: (t) => {
        lines.push(t);
        if (lines.length === 2) seen();
      },
    });
    const live = await log.push({
      owner: 'octo',
      repo: 'live',
      repoId: 9,
      deliveryId: 'd-live-1',
      commits: [{ author: 'dave', timestamp: '2026-11-03T10:00:00Z' }],
    });
    await sawLive;
    abort.abort();
    expect(await done).toBe(2);
    expect(lines.map((l) => (JSON.parse(l) as TailRecord).seq)).toEqual([5, live.seq]);
  });

  it('by default prints only messages appended after it started', async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    let ready: () => void = () => undefined;
    const started = new Promise<void>((r) => (ready = r));
    const done = runTail(analyst, planTail({ event: 'push' }), {
      signal: abort.signal,
      onReady: ready,
      write: (t) => {
        lines.push(t);
        abort.abort();
      },
    });
    // Appends only once the tail's consumer exists, so "new" is well defined.
    await started;
    await log.event('issues', 'octo', 'live', 'd-live-2', { action: 'closed' });
    const pushed = await log.push({
      owner: 'octo',
      repo: 'live',
      repoId: 9,
      deliveryId: 'd-live-3',
      commits: [{ author: 'erin', timestamp: '2026-11-03T11:00:00Z' }],
    });
    expect(await done).toBe(1);
    expect(lines[0]?.trimEnd()).toMatch(
      new RegExp(`#${pushed.seq} push octo/live d-live-3 1 commit$`),
    );
  });

  it('tails alerts live with a plain subscription', async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    const done = runTail(analyst, planTail({ source: 'alerts', output: 'ndjson' }), {
      signal: abort.signal,
      write: (t) => {
        lines.push(t);
        abort.abort();
      },
    });
    // Alerts are not stored: publish until the subscription has seen one.
    for (let i = 0; i < 50 && lines.length === 0; i++) {
      log.nc.publish('teampulse.alerts.dlq', JSON.stringify({ type: 'DEAD_LETTER', n: i }));
      await new Promise((r) => setTimeout(r, 100));
    }
    await done;
    const record = JSON.parse(lines[0]!) as TailRecord;
    expect(record.seq).toBeNull();
    expect(record.subject).toBe('teampulse.alerts.dlq');
    expect(record.body).toMatchObject({ type: 'DEAD_LETTER' });
  });
});

describe('tail - the UPDATES stream', () => {
  it('a missing stream is one clear line and exit 1 (real CLI)', async () => {
    const r = await cli(['--stream', 'updates', '--from-seq', '1', '--until-end']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'teampulse: stream UPDATES does not exist on this server (has TeamPulse run against it?)\n',
    );
  });

  it('reads COMMITS_UPDATED by org and repository id', async () => {
    await ensureStreams(await jetstreamManager(log.nc), loadConfig({}), [Streams.updates.name]);
    const js = jetstream(log.nc);
    const update = (org: string, repoId: string, commitCount: number) =>
      js.publish(
        `teampulse.updates.${org}.${repoId}`,
        JSON.stringify({ type: 'COMMITS_UPDATED', orgId: org, repoId, payload: { commitCount } }),
      );
    await update('octo', '1', 3);
    await update('other', '3', 1);
    const lines = await tail({ source: 'updates', org: 'octo', fromSeq: 1, untilEnd: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/#1 COMMITS_UPDATED octo\/1 commitCount=3$/);
  });
});

describe('tail - the real command', () => {
  it('prints NDJSON and exits 0 at the end', async () => {
    const r = await cli([
      '--event',
      'push',
      '--org',
      'octo',
      '--from-seq',
      '1',
      '--until-end',
      '--output',
      'ndjson',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TailRecord);
    expect(records.map((x) => x.headers[LogHeaders.msgId])).toEqual([
      'd-1',
      'd-2',
      'd-5',
      'd-live-1',
      'd-live-3',
    ]);
  });

  it.each([
    [['--since', 'yesterday'], /--since must be an ISO time .* got "yesterday"/],
    [['--subject', 'github..push'], /bad subject "github\.\.push"/],
    [['--subject', 'dlq.>'], /unknown subject "dlq\.>"/],
    [['--subject', '>'], /unknown subject ">"/],
    [['--event', 'push', '--subject', 'github.>'], /--subject cannot go with/],
    [['--since', '1h', '--last', '3'], /--since and --last cannot go together/],
    [['--stream', 'dlq'], /--stream must be one of github, updates, alerts/],
    [['--output', 'xml'], /--output must be one of human, ndjson/],
    [['--stream', 'alerts', '--since', '1h'], /alerts are not stored in a stream/],
  ])('%j is refused with one line and exit 1', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^teampulse: /);
  });

  it('credentials that may not read the log: one line naming the refusal, exit 1', async () => {
    const r = await cli(['--from-seq', '1', '--until-end'], servers.natsEnv('gateway'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^teampulse: permission denied: subscription _INBOX\.\S+ \(reading GITHUB github\.\*\.\*\.\*\) \(check NATS_CREDS/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('credentials of another installation: one line saying NATS refused them, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tp-tail-creds-'));
    try {
      const other = await initAuthDir(join(dir, 'other'));
      const r = await cli(['--until-end'], {
        NATS_URL: servers.natsUrl,
        NATS_CREDS: other.creds.analyst,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `teampulse: NATS at ${servers.natsUrl} refused the credentials from NATS_CREDS (${other.creds.analyst}): Authorization Violation\n`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no credentials: one line naming the missing setting, exit 1', async () => {
    const r = await cli(['--until-end'], { NATS_URL: servers.natsUrl, NATS_CREDS: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^teampulse: invalid configuration: NATS_CREDS: required/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('piped into head, it ends quietly when the pipe closes', async () => {
    const { stdout, stderr } = await execFileAsync(
      'bash',
      [
        '-c',
        'node bin/teampulse.js tail --from-seq 1 --until-end --output ndjson | head -c 100; echo " status=${PIPESTATUS[0]}"',
      ],
      { env: { ...process.env, ...analystEnv(servers) }, timeout: 30_000 },
    );
    expect(stdout).toMatch(/^\{"seq":1,.* status=0\n$/s);
    expect(stderr).toBe('');
  });

  it('a bad --from-seq is refused by the option parser', async () => {
    const r = await cli(['--from-seq', 'abc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /--from-seq <n>' argument 'abc' is invalid\. expected a positive whole number/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
