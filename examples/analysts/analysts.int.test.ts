/**
 * What analysts run, against a real server with the analyst's credentials: the Python
 * (nats-py) and Go (nats.go) examples, and the official `nats` CLI doing what the README
 * shows. Each reads seeded history, then a live message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinary } from '../../platform/local-stack/mod.ts';
import { ensureAnalystClient, type AnalystClient } from './analyst-clients.ts';
import { analystEnv, seedLog, type LogSeeder } from '../../test/support/analysts.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';

let servers: TestServers;
let log: LogSeeder;
let home: string;
/** Between the one old push and the rest: `--since` must leave the old one out. */
let since: Date;
const LARGE = 9 * 1024 * 1024; // above the shipped 8 MiB max_payload

beforeAll(async () => {
  servers = await useServers({ redis: false, mongo: false });
  // The nats CLI reads contexts from the home dir: a clean one, so only NATS_URL/NATS_CREDS count.
  home = await mkdtemp(join(tmpdir(), 'teampulse-analyst-home-'));
  log = await seedLog(servers);
  await log.push({
    owner: 'octo',
    repo: 'hello-world',
    repoId: 1,
    deliveryId: 'old-1',
    commits: [{ author: 'zed', timestamp: '2026-10-01T10:00:00Z', sha: 'f'.repeat(40) }],
  });
  await new Promise((r) => setTimeout(r, 50));
  since = new Date();
  await new Promise((r) => setTimeout(r, 50));
  await log.push({
    owner: 'octo',
    repo: 'hello-world',
    repoId: 1,
    deliveryId: 'h-1',
    commits: [
      { author: 'alice', timestamp: '2026-11-01T10:00:00Z', sha: 'a1'.repeat(20) },
      { author: 'alice', timestamp: '2026-11-01T11:00:00Z', sha: 'a2'.repeat(20) },
      {
        author: 'Bob',
        email: 'Bob@Example.COM',
        withUsername: false,
        timestamp: '2026-11-01T12:00:00Z',
        sha: 'b1'.repeat(20),
      },
    ],
  });
  await log.event('issues', 'octo', 'hello-world', 'h-2', { action: 'opened' });
  // A later push carrying a commit already counted (same repository, same sha) and a new one.
  await log.push({
    owner: 'octo',
    repo: 'hello-world',
    repoId: 1,
    deliveryId: 'h-3',
    commits: [
      { author: 'alice', timestamp: '2026-11-01T11:00:00Z', sha: 'a2'.repeat(20) },
      { author: 'alice', timestamp: '2026-11-02T09:00:00Z', sha: 'a3'.repeat(20) },
    ],
  });
  // The same sha in another repository is another commit.
  const large = await log.push({
    owner: 'octo',
    repo: 'big',
    repoId: 2,
    deliveryId: 'h-4',
    pad: LARGE,
    commits: [{ author: 'carol', timestamp: '2026-11-02T10:00:00Z', sha: 'a3'.repeat(20) }],
  });
  expect(large.external).toBe(true);
}, 300_000);

afterAll(async () => {
  await log?.close();
  await servers?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const HISTORY = 'totals: alice=3 carol=1 email:bob@example.com=1';

/** A running process with its output as lines, and a way to wait for one. */
interface Running {
  readonly lines: string[];
  readonly stderr: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;
}

function run(argv: string[], env: Record<string, string> = {}): Running {
  const [cmd, ...args] = argv;
  const child = spawn(cmd!, args, {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, ...analystEnv(servers), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  });
  // stderr counts as output too: the nats CLI reports there ("Subscribing on …").
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    lines,
    child,
    exited,
    stderr: () => err,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = [...lines, ...err.split('\n')].find((l) => pattern.test(l));
          if (hit !== undefined) {
            resolve(hit);
            return true;
          }
          return false;
        };
        if (check()) return;
        const timer = setTimeout(
          () => reject(new Error(`no line like ${pattern} in:\n${lines.join('\n')}\n${err}`)),
          timeoutMs,
        );
        waiters.push(() => {
          if (check()) clearTimeout(timer);
        });
        void exited.then(() => {
          if (!check()) {
            clearTimeout(timer);
            reject(
              new Error(`exited without a line like ${pattern}:\n${lines.join('\n')}\n${err}`),
            );
          }
        });
      });
    },
  };
}

/** Appends a live push by a developer of the test's own, with a commit never seen before. */
function pushLive(dev: string, sha: string): Promise<unknown> {
  return log.push({
    owner: 'octo',
    repo: 'live',
    repoId: 3,
    deliveryId: dev,
    commits: [{ author: dev, timestamp: '2026-11-03T10:00:00Z', sha: sha.repeat(40) }],
  });
}

/** `totals: a=1 b=2` with one more developer counted once, sorted as the examples sort. */
function plusOne(totals: string, dev: string): string {
  const entries = totals
    .replace(/^.*totals: /, '')
    .split(' ')
    .filter(Boolean);
  return `totals: ${[...entries, `${dev}=1`].sort().join(' ')}`;
}

const CLIENTS: [AnalystClient][] = [['python'], ['go']];
const commands = new Map<AnalystClient, string[]>();

beforeAll(async () => {
  for (const [client] of CLIENTS) {
    const found = await ensureAnalystClient(client);
    expect(found, `the ${client} example could not be built; see ~/.cache/teampulse`).toBeDefined();
    commands.set(client, found!);
  }
}, 900_000);

// History first for both clients, then the live tests (their pushes become history).
describe.each(CLIENTS)('analysts - the %s example reads history', (client) => {
  it('from --since (a large body included) to the end with --until-end, counting distinct commits per developer', async () => {
    const p = run([...commands.get(client)!, '--since', since.toISOString(), '--until-end']);
    expect(await p.exited).toBe(0);
    // Four pushes since then: the old one (zed) and the issues event are not counted, a
    // commit seen again (h-3's a2) counts once, the same sha in another repository twice.
    expect(p.lines).toEqual([
      'seq 2 github.push.octo.hello-world delivery=h-1 commits=3 new=3',
      'seq 4 github.push.octo.hello-world delivery=h-3 commits=2 new=1',
      'seq 5 github.push.octo.big delivery=h-4 commits=1 new=1',
      `caught up at seq 5; ${HISTORY}`,
    ]);
    expect(p.stderr()).toBe('');
  });
});

describe.each(CLIENTS)('analysts - the %s example follows live', (client) => {
  it('counts a message appended after the history', async () => {
    const p = run([...commands.get(client)!, '--since', since.toISOString()]);
    try {
      const caughtUp = await p.waitFor(/^caught up at seq/);
      const dev = `live-${client}`;
      await pushLive(dev, client === 'go' ? 'e' : 'c');
      expect(await p.waitFor(new RegExp(`^totals: .*${dev}=1`))).toBe(plusOne(caughtUp, dev));
      expect(p.lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^seq \\d+ github\\.push\\.octo\\.live delivery=${dev} commits=1 new=1$`),
        ),
      );
    } finally {
      p.child.kill();
    }
    expect(p.stderr()).toBe('');
  });
});

describe('analysts - the nats CLI, as the README shows it', () => {
  let nats: string;
  beforeAll(async () => {
    const found = await ensureBinary('nats');
    expect(found, 'the nats CLI could not be built; see ~/.cache/teampulse').toBeDefined();
    nats = found!;
  }, 900_000);

  it("`nats sub 'github.push.>'` prints live pushes with their headers", async () => {
    const p = run([nats, 'sub', 'github.push.>', '--count', '1']);
    await p.waitFor(/Subscribing on github\.push\.>/);
    // The CLI may say so before the server has its subscription: push until one arrives.
    let exited = false;
    void p.exited.then(() => (exited = true));
    for (let i = 0; i < 40 && !exited; i++) {
      await pushLive(`cli-live-${i}`, '9');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await p.exited).toBe(0);
    const out = p.lines.join('\n');
    expect(out).toMatch(/Received on "github\.push\.octo\.live"/);
    expect(out).toMatch(/Nats-Msg-Id: cli-live-\d+/);
    expect(out).toMatch(/ce-type: com\.github\.push/);
    expect(out).toMatch(/"username":"cli-live-\d+"/);
  });

  it('`nats sub --stream GITHUB --since 1h -T` reads history and stops at its end', async () => {
    const p = run([
      nats,
      'sub',
      'github.push.octo.hello-world',
      '--stream',
      'GITHUB',
      '--since',
      '1h',
      '-T',
    ]);
    expect(await p.exited).toBe(0);
    const received = p.lines.filter(
      (l) =>
        l.includes('Received JetStream message: stream: GITHUB') &&
        l.includes('subject: github.push.octo.hello-world'),
    );
    expect(received).toHaveLength(3);
    const out = p.lines.join('\n');
    for (const id of ['old-1', 'h-1', 'h-3']) expect(out).toContain(`Nats-Msg-Id: ${id}`);
  });

  it('`nats stream view GITHUB --since 1h` pages through history in a terminal', async () => {
    // stream view pages interactively and wants a terminal, as an analyst has: `script`
    // (util-linux) gives it one. The page size (25) holds all of the seeded history, so
    // it ends with "Reached apparent end of data" instead of asking for the next page.
    const command = [nats, 'stream', 'view', 'GITHUB', '25', '--since', '1h'];
    const p = run(['script', '-qec', command.map((a) => `'${a}'`).join(' '), '/dev/null']);
    expect(await p.exited, p.stderr()).toBe(0);
    const out = p.lines.join('\n');
    expect(out).toMatch(/Subject: github\.push\.octo\.hello-world/);
    expect(out).toMatch(/Subject: github\.issues\.octo\.hello-world/);
    expect(out).toMatch(/Reached apparent end of data/);
  });

  it('`nats stream get --last-for` shows the large-body reference, `nats object get` fetches the body', async () => {
    const get1 = run([nats, 'stream', 'get', 'GITHUB', '--last-for', 'github.push.octo.big']);
    expect(await get1.exited, get1.stderr()).toBe(0);
    expect(get1.lines.join('\n')).toMatch(/TeamPulse-Body-Ref: h-4/);
    const file = join(home, 'h-4.json');
    const get = run([nats, 'object', 'get', 'github-bodies', 'h-4', '-O', file]);
    expect(await get.exited, get.stderr()).toBe(0);
    const body = JSON.parse(await readFile(file, 'utf8')) as {
      padding: string;
      commits: unknown[];
    };
    expect(body.padding).toHaveLength(LARGE);
    expect(body.commits).toHaveLength(1);
  });

  it('as an analyst, `nats pub` into the log and `nats stream rm`, `purge` and `edit` are refused and change nothing', async () => {
    const jsm = await jetstreamManager(log.nc);
    const before = (await jsm.streams.info('GITHUB')).state;
    const config = (await jsm.streams.info('GITHUB')).config;
    const pub = run([nats, 'pub', 'github.push.octo.hello-world', '{"commits":[]}']);
    await pub.exited;
    // Side by side: each waits out the CLI's 5 s request timeout before it reports.
    const refusals = [
      ['stream', 'rm', 'GITHUB', '-f'],
      ['stream', 'purge', 'GITHUB', '-f'],
      ['stream', 'edit', 'GITHUB', '--max-msgs', '1', '-f'],
    ].map((args) => ({ args: args.join(' '), p: run([nats, ...args]) }));
    for (const { args, p } of refusals) {
      expect(await p.exited, args).not.toBe(0);
      expect(p.stderr(), args).toMatch(/Permissions Violation|permission/i);
    }
    // A core publish is fire-and-forget: give the server time to have refused it.
    await log.nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    const after = (await jsm.streams.info('GITHUB')).state;
    expect(after.last_seq).toBe(before.last_seq);
    expect(after.messages).toBe(before.messages);
    expect((await jsm.streams.info('GITHUB')).config).toEqual(config);
  });
});
