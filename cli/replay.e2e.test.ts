import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTarget, targetFor } from '../platform/read-model-target.ts';
import {
  corpus,
  replayHarness,
  withoutNamespace,
  type ReplayHarness,
} from '../replay/testing/mod.ts';
import type { ReplaySummary } from '../replay/mod.ts';
import { REPLAY_LOCK_KEY } from '../schemas/redis-keys.ts';
import { ReplayCollections } from '../schemas/replay.ts';
import { waitFor, type Harness } from '../projector/testing/mod.ts';
import { finished, runCli, serverEnv, startCli, CLI_TEST_TIMEOUT } from './testing/run-cli.ts';

let r: ReplayHarness;
let h: Harness;
let env: Record<string, string>;

beforeAll(async () => {
  r = await replayHarness();
  h = r.h;
  env = serverEnv(r.servers);
  for (const p of corpus(12, 'cli-replay')) await h.append(p);
  // A payload the schema rejects: dead-lettered live, skipped by a replay.
  await h.appendBody('org0', 'repo-0', Buffer.from('{"zen":"not a push"}'), 'cli-replay-poison');
  await r.projectLive();
});
afterAll(async () => {
  await r?.close();
});

describe('teampulse replay', () => {
  it(
    'teampulse replay - rebuilds from the log, switches, and counts the dead-lettered event as skipped',
    async () => {
      const live = await h.models(targetFor(0));
      expect(await h.deadLetters()).toHaveLength(1);

      const res = await runCli(['replay', '--json', '--batch-size', '5'], env);
      expect(res.stderr).not.toMatch(/Error|error:/);
      expect(res.code).toBe(0);
      const summary = JSON.parse(res.stdout) as ReplaySummary;
      expect(summary).toMatchObject({ version: 1, previous: 0, switched: true, skipped: 1 });
      expect(summary.commits).toBe(live.commits.length);
      expect((await currentTarget(h.db)).version).toBe(1);
      expect(withoutNamespace(await h.models(targetFor(1)), targetFor(1))).toEqual(live);

      const text = await runCli(['replay', '--dry-run'], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^dry run: rebuilt version 2 \(live was 1\).* 1 skipped,/);
      expect(text.stdout).toMatch(/differences from the live read models: 0/);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'teampulse replay - a bad flag or variable is one line naming it, exit 1, nothing started',
    async () => {
      const cases = [
        { args: ['replay', '--batch-size', '0'], env, says: /--batch-size.*positive whole number/ },
        {
          args: ['replay', '--projections', 'commits,nope'],
          env,
          says: /unknown projection "nope"/,
        },
        { args: ['replay', '--since', 'yesterday'], env, says: /--since.*expected an ISO time/ },
        { args: ['replay', '--mongo-db', 'no spaces'], env, says: /--mongo-db.*MONGO_DB/ },
        {
          args: ['replay', 'list'],
          env: { ...env, MONGO_DB: 'no spaces' },
          says: /invalid configuration: MONGO_DB/,
        },
        {
          args: ['replay', '--from-seq', '2', '--since', '2026-01-01T00:00:00Z'],
          env,
          says: /--from-seq and --since cannot go together/,
        },
      ];
      const results = await Promise.all(cases.map((c) => runCli(c.args, c.env)));
      for (const [i, res] of results.entries()) {
        expect(res.code, cases[i]!.args.join(' ')).toBe(1);
        expect(res.stderr).toMatch(cases[i]!.says);
        expect(res.stderr.trim().split('\n')).toHaveLength(1);
        expect(res.stderr).not.toMatch(/\n\s+at /);
      }
      expect((await currentTarget(h.db)).version).toBe(1);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'teampulse replay - after a replay is killed, --resume names the holder and when its lease frees, then finishes with its counts',
    async () => {
      // Enough events after the dead-lettered one (seq 13) that the replay is still running
      // when it is killed.
      for (const p of corpus(72, 'cli-replay').slice(12)) await h.append(p);
      const versions = h.db.collection<{ state: string; totals?: { skipped: number } }>(
        ReplayCollections.versions,
      );
      const child = startCli(['replay', '--batch-size', '1'], env);
      const exited = finished(child);
      await waitFor(
        async () =>
          (await versions.findOne({ state: 'building', 'totals.skipped': 1 })) !== null ||
          child.exitCode !== null,
        30_000,
        'the replay to pass the dead-lettered event',
      );
      expect(child.kill('SIGKILL')).toBe(true);
      expect((await exited).code).toBe(null); // killed, not finished

      const busy = await runCli(['replay', '--resume'], env);
      expect(busy.code).toBe(1);
      const said =
        /another replay, rollback or cleanup is running: replay \(pid (\d+) on .+, since \S+\); if that process is gone, its lease expires in (\d+) s/.exec(
          busy.stderr,
        );
      expect(said, busy.stderr).not.toBeNull();
      expect(Number(said![1])).toBe(child.pid);
      expect(Number(said![2])).toBeGreaterThan(0);
      expect(Number(said![2])).toBeLessThanOrEqual(30);
      expect(busy.stderr.trim().split('\n')).toHaveLength(1);

      // The dead holder's lease runs out by itself; ending it now saves the test 30 s.
      await h.redis.del(REPLAY_LOCK_KEY);
      const res = await runCli(['replay', '--resume', '--json'], env);
      expect(res.code, res.stderr).toBe(0);
      const summary = JSON.parse(res.stdout) as ReplaySummary;
      expect(summary).toMatchObject({ resumed: true, switched: true, skipped: 1, events: 73 });
      expect(summary.resumedAfter).toBeGreaterThanOrEqual(13);
    },
    CLI_TEST_TIMEOUT,
  );
});
