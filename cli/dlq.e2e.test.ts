import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha } from '../platform/github/push-payload.ts';
import { projectorHarness, type Harness } from '../projector/testing/mod.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { runCli, serverEnv, CLI_TEST_TIMEOUT } from './testing/run-cli.ts';

let servers: TestServers;
let h: Harness;
let env: Record<string, string>;
/** Log sequences of the two dead-lettered events. */
const logSeq: { doomed: number; poison: number } = { doomed: 0, poison: 0 };

beforeAll(async () => {
  servers = await useServers();
  h = await projectorHarness(servers);
  env = serverEnv(servers);
  // Two dead letters: one the handler failed on (a retry without the fault applies it),
  // one whose payload the schema rejects (a retry fails again).
  const projector = await h.start({
    http: false,
    faults: (event) => {
      if (event.push.commits[0]?.author.username === 'doomed') throw new Error('handler exploded');
    },
  });
  logSeq.doomed = (
    await h.append({
      owner: 'acme',
      repo: 'svc',
      repoId: 777,
      commits: [{ author: 'doomed', timestamp: '2025-10-10T10:00:00Z', sha: fakeSha('dlq-cli') }],
    })
  ).seq;
  logSeq.poison = (await h.appendBody('acme', 'svc', Buffer.from('{"zen":"not a push"}'))).seq;
  await h.settled();
  await projector.stop();
});
afterAll(async () => {
  await h?.close();
  await servers?.stop();
});

describe('teampulse dlq', () => {
  it(
    'teampulse dlq - list, show, retry and purge the dead letters of a real projector',
    async () => {
      const list = await runCli(['dlq', 'list', '--json'], env);
      expect(list.code, list.stderr).toBe(0);
      const letters = list.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { seq: number; streamSeq: number; errorCode: string });
      // Oldest first: the poison is dead-lettered at once, the failing event after its tries.
      expect(letters.map((l) => l.streamSeq)).toEqual([logSeq.poison, logSeq.doomed]);
      const [poison, doomed] = letters as [(typeof letters)[0], (typeof letters)[0]];

      const table = await runCli(['dlq', 'list'], env);
      expect(table.stdout).toMatch(/^SEQ\s+FAILED AT\s+TRIES\s+CODE/);
      expect(table.stdout).toContain('handler exploded');

      const show = await runCli(['dlq', 'show', String(poison.seq)], env);
      expect(show.code, show.stderr).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({
        seq: poison.seq,
        streamSeq: logSeq.poison,
        body: '{"zen":"not a push"}',
      });

      // The handler's fault is gone in the CLI's own projector code: the retry applies it.
      const retried = await runCli(['dlq', 'retry', String(doomed.seq)], env);
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout).toBe(`${doomed.seq}: applied and removed\n`);
      expect((await h.models()).commits.map((c) => c.sha)).toEqual([fakeSha('dlq-cli')]);

      const failed = await runCli(['dlq', 'retry', '--all'], env);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(new RegExp(`^${poison.seq}: failed again: `));

      const missing = await runCli(['dlq', 'show', '999'], env);
      expect(missing).toMatchObject({ code: 1, stdout: 'no dead letter 999\n' });

      const purged = await runCli(['dlq', 'purge', String(poison.seq)], env);
      expect(purged).toMatchObject({ code: 0, stdout: 'purged 1\n' });
      expect(await runCli(['dlq', 'list'], env)).toMatchObject({
        code: 0,
        stdout: 'no dead letters\n',
      });
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'teampulse dlq - a bad flag, argument or variable is one line naming it, exit 1',
    async () => {
      const cases = [
        { args: ['dlq', 'show', 'abc'], env, says: /argument 'seq'.*positive whole number/ },
        { args: ['dlq', 'list', '--limit', '0'], env, says: /--limit.*positive whole number/ },
        { args: ['dlq', 'retry'], env, says: /give a dead-letter sequence or --all/ },
        {
          args: ['dlq', 'purge', '--all'],
          env,
          says: /give a dead-letter sequence, or --all --yes/,
        },
        { args: ['dlq', '--mongo-db', 'a/b', 'list'], env, says: /--mongo-db.*MONGO_DB/ },
        {
          args: ['dlq', 'list'],
          env: { ...env, PROJECTOR_BACKOFF_MS: 'soon' },
          says: /invalid configuration: PROJECTOR_BACKOFF_MS/,
        },
      ];
      const results = await Promise.all(cases.map((c) => runCli(c.args, c.env)));
      for (const [i, res] of results.entries()) {
        expect(res.code, cases[i]!.args.join(' ')).toBe(1);
        expect(res.stderr).toMatch(cases[i]!.says);
        expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1);
      }
    },
    CLI_TEST_TIMEOUT,
  );
});
