import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { jetstreamManager } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.ts';
import { connectNats } from '../platform/nats.ts';
import { targetFor } from '../platform/read-model-target.ts';
import { waitFor } from '../projector/testing/mod.ts';
import { Streams } from '../schemas/streams.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import type { SimulateSummary } from './simulate.ts';
import {
  adminNats,
  finished,
  runCli,
  serverEnv,
  startCli,
  type CliResult,
  CLI_TEST_TIMEOUT,
} from './testing/run-cli.ts';

let servers: TestServers;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  servers = await useServers();
  dataDir = await mkdtemp(join(tmpdir(), 'teampulse-up-'));
  // Port 0: each role takes a free port and the banner says which.
  const { NATS_CREDS: _admin, ...rest } = serverEnv(servers);
  env = {
    ...rest,
    // Each role connects with its own creds from the test NATS's auth dir.
    NATS_AUTH_DIR: dirname(servers.creds.ingest),
    INGEST_PORT: '0',
    GATEWAY_PORT: '0',
    PROJECTOR_PORT: '0',
  };
});
afterAll(async () => {
  await servers?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Resolves with stdout once `up` printed its whole banner. */
function banner(child: ChildProcess): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes('Ctrl-C stops everything.')) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`up exited (${code}) before its banner`)));
  });
}

function match(text: string, pattern: RegExp): string {
  const m = pattern.exec(text);
  expect(m, `${String(pattern)} in:\n${text}`).not.toBeNull();
  return m![1]!;
}

async function logMessages(): Promise<number> {
  const nc = await adminNats(servers);
  try {
    return (await (await jetstreamManager(nc)).streams.info(Streams.github.name)).state.messages;
  } finally {
    await nc.close();
  }
}

describe('teampulse up and simulate', () => {
  it(
    'teampulse up - runs on the servers it is given, answers on its printed ports, takes simulated pushes, stops on SIGTERM',
    async () => {
      const child = startCli(['up', '--data-dir', dataDir], env);
      const exited = finished(child);
      let result: CliResult | undefined;
      try {
        const text = await banner(child);
        expect(text).toContain('TeamPulse is up.');
        // No servers of its own: the banner names the ones it was given.
        expect(text).toContain(`nats       ${servers.natsUrl}`);
        expect(text).not.toContain(dataDir);
        expect(text).toContain('"teampulse-dev-secret" (dev default)');
        const ingest = match(text, /ingest\s+(http:\/\/\S+?)\/api\/v1\/webhooks\/github/);
        const gateway = match(text, /dashboard\s+(http:\/\/[^/\s]+)\//);
        const projector = match(text, /projector\s+(http:\/\/\S+?)\/metrics/);
        for (const base of [ingest, gateway, projector]) {
          expect((await fetch(`${base}/healthz`)).status, base).toBe(200);
        }

        const sent = await runCli(['simulate', '--url', ingest, '--count', '6', '--json']);
        expect(sent.code, sent.stderr).toBe(0);
        expect(JSON.parse(sent.stdout) as SimulateSummary).toMatchObject({
          sent: 6,
          byStatus: { '200': 6 },
        });
        // A wrong secret: every push refused, exit 1, nothing appended.
        const refused = await runCli(
          ['simulate', '--url', ingest, '--count', '2', '--secret', 'wrong', '--json'],
          { GITHUB_WEBHOOK_SECRET: 'also-wrong' },
        );
        expect(refused.code).toBe(1);
        expect(JSON.parse(refused.stdout) as SimulateSummary).toMatchObject({
          byStatus: { '401': 2 },
        });
        expect(await logMessages()).toBe(6);
        // The projector of `up` projects them: 6 pushes of 3 commits each.
        const mongo = new MongoClient(servers.mongoUrl);
        try {
          const commits = mongo.db(servers.mongoDbName).collection(targetFor(0).commits);
          await waitFor(
            async () => (await commits.countDocuments()) === 18,
            20_000,
            'the commits in MongoDB',
          );
        } finally {
          await mongo.close();
        }
      } finally {
        child.kill('SIGTERM');
        result = await exited;
      }
      expect(result.code, result.stderr).toBe(0);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'teampulse up --cluster - starts 3 NATS nodes, prints their URLs, creates the streams R3, takes simulated pushes',
    async () => {
      const own = await mkdtemp(join(tmpdir(), 'teampulse-up-cluster-'));
      // No server URLs: `up` starts its own stack, NATS as a cluster.
      const child = startCli(['up', '--cluster', '--data-dir', own], {
        INGEST_PORT: '0',
        GATEWAY_PORT: '0',
        PROJECTOR_PORT: '0',
      });
      const exited = finished(child);
      let result: CliResult | undefined;
      try {
        const text = await banner(child);
        expect(text).toContain('cluster    3 NATS nodes (n0..n2), streams R3');
        const urls = match(text, /nats\s+(\S+)\s+mongo/).split(',');
        expect(urls).toHaveLength(3);
        for (const url of urls) expect(url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
        const ingest = match(text, /ingest\s+(http:\/\/\S+?)\/api\/v1\/webhooks\/github/);
        const sent = await runCli(['simulate', '--url', ingest, '--count', '3', '--json']);
        expect(sent.code, sent.stderr).toBe(0);
        expect(JSON.parse(sent.stdout) as SimulateSummary).toMatchObject({
          byStatus: { '200': 3 },
        });
        const nc = await connectNats(
          loadConfig(
            {},
            { NATS_URL: urls.join(','), NATS_CREDS: join(own, 'nats-auth', 'admin.creds') },
          ),
          { name: 'cli-test', role: 'admin' },
        );
        try {
          const info = await (await jetstreamManager(nc)).streams.info(Streams.github.name);
          expect(info.config.num_replicas).toBe(3);
          expect(info.state.messages).toBe(3);
        } finally {
          await nc.close();
        }
      } finally {
        child.kill('SIGTERM');
        result = await exited;
        await rm(own, { recursive: true, force: true });
      }
      // SIGTERM stops the roles, then its own servers, and exits 0 (the servers are not
      // pulled from under the roles' last requests: see local-stack's exit hooks).
      expect(result.code, result.stderr).toBe(0);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'teampulse up and simulate - a bad flag or variable is one line naming it, exit 1',
    async () => {
      const cases = [
        {
          args: ['up'],
          env: { ...env, INGEST_PORT: '70000' },
          says: /invalid configuration: INGEST_PORT/,
        },
        { args: ['up', '--bogus'], env, says: /unknown option '--bogus'/ },
        {
          args: ['simulate', '--url', 'localhost:3000'],
          env: {},
          says: /--url.*expected an http\(s\) URL/,
        },
        { args: ['simulate', '--count', 'many'], env: {}, says: /--count.*positive whole number/ },
        {
          args: ['simulate'],
          env: { LOG_LEVEL: 'loud' },
          says: /invalid configuration: LOG_LEVEL/,
        },
      ];
      const results = await Promise.all(cases.map((c) => runCli(c.args, c.env)));
      for (const [i, res] of results.entries()) {
        expect(res.code, cases[i]!.args.join(' ')).toBe(1);
        expect(res.stderr).toMatch(cases[i]!.says);
        expect(res.stderr.trim().split('\n')).toHaveLength(1);
        expect(res.stdout).toBe('');
      }
    },
    CLI_TEST_TIMEOUT,
  );
});
