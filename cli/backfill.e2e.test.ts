import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Streams } from '../schemas/streams.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { adminNats, runCli, CLI_TEST_TIMEOUT } from './testing/run-cli.ts';

let servers: TestServers;
let dir: string;
let env: Record<string, string>;

function git(args: string[], date: string): void {
  execFileSync('git', ['-C', dir, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Alice',
      GIT_AUTHOR_EMAIL: 'alice@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'Alice',
      GIT_COMMITTER_EMAIL: 'alice@example.com',
      GIT_COMMITTER_DATE: date,
    },
  });
}

beforeAll(async () => {
  servers = await useServers({ mongo: false, redis: false });
  env = servers.natsEnv('admin');
  dir = await mkdtemp(join(tmpdir(), 'teampulse-cli-backfill-'));
  git(['init', '-q', '-b', 'main'], '2026-03-01T09:00:00Z');
  for (const [i, day] of ['01', '02', '03'].entries()) {
    await writeFile(join(dir, `file${i}.txt`), String(i));
    git(['add', '.'], `2026-03-${day}T09:00:00Z`);
    git(['commit', '-q', '-m', `change ${i}`], `2026-03-${day}T09:00:00Z`);
  }
});
afterAll(async () => {
  await servers?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function logBodies(): Promise<{ subject: string; commits: number }[]> {
  const nc = await adminNats(servers);
  try {
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(Streams.github.name)).state.last_seq;
    const out = [];
    for (let seq = 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(Streams.github.name, { seq });
      const body = m?.json<{ commits: unknown[] }>();
      out.push({ subject: m!.subject, commits: body?.commits.length ?? 0 });
    }
    return out;
  } finally {
    await nc.close();
  }
}

describe('teampulse backfill', () => {
  it(
    'teampulse backfill - appends a git history to the log as pushes; a rerun adds nothing',
    async () => {
      const args = [
        'backfill',
        '--path',
        dir,
        '--owner',
        'acme',
        '--repo',
        'demo',
        '--repo-id',
        '42',
      ];
      const first = await runCli([...args, '--group-size', '2', '--json'], env);
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({
        commits: 3,
        pushes: 2,
        appended: 2,
        duplicates: 0,
      });
      const log = await logBodies();
      expect(log).toEqual([
        { subject: expect.stringMatching(/acme\.demo$/), commits: 2 },
        { subject: expect.stringMatching(/acme\.demo$/), commits: 1 },
      ]);

      const again = await runCli([...args, '--group-size', '2'], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(
        /backfilled 3 commits as 2 pushes: 0 appended, 2 already in the log/,
      );
      expect(await logBodies()).toHaveLength(2);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'teampulse backfill - a bad flag or variable is one line naming it, exit 1',
    async () => {
      const ok = ['--path', dir, '--owner', 'acme', '--repo', 'demo'];
      const cases = [
        {
          args: ['backfill', ...ok, '--repo-id', 'x'],
          env,
          says: /--repo-id.*positive whole number/,
        },
        {
          args: ['backfill', '--owner', 'acme', '--repo', 'demo', '--repo-id', '1'],
          env,
          says: /required option '--path/,
        },
        {
          args: ['backfill', ...ok, '--repo-id', '1', '--date', 'today'],
          env,
          says: /--date.*Allowed choices/,
        },
        {
          args: ['backfill', ...ok, '--repo-id', '1', '--since', 'soon'],
          env,
          says: /--since.*ISO time/,
        },
        {
          args: ['backfill', ...ok, '--repo-id', '1'],
          env: { ...env, STREAM_REPLICAS: '9' },
          says: /invalid configuration: STREAM_REPLICAS/,
        },
        {
          args: [
            'backfill',
            '--path',
            join(dir, 'missing'),
            '--owner',
            'acme',
            '--repo',
            'demo',
            '--repo-id',
            '1',
          ],
          env,
          says: /missing/,
        },
      ];
      const results = await Promise.all(cases.map((c) => runCli(c.args, c.env)));
      for (const [i, res] of results.entries()) {
        expect(res.code, cases[i]!.args.join(' ')).toBe(1);
        expect(res.stderr).toMatch(cases[i]!.says);
        expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1);
      }
      expect(await logBodies()).toHaveLength(2);
    },
    CLI_TEST_TIMEOUT,
  );
});
