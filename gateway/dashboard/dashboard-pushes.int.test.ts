import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../platform/config.ts';
import type { FakePush } from '../../platform/github/push-payload.ts';
import { Dashboard } from '../../schemas/dashboard.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { projectorHarness, type Harness } from '../../projector/testing/mod.ts';
import { signToken, tokenKeys } from '../auth/mod.ts';
import { startGateway, type Gateway } from '../main.ts';

// Real pushes, through the real projector into the read models, read by a real gateway:
// the names, offsets and modules the dashboard shows are the ones the payloads carried.
const SECRET = 'dashboard-pushes-secret-0123456789abcdef';
let servers: TestServers;
let ph: Harness;
let gw: Gateway;
let cfg: Config;

const pushes: FakePush[] = [
  {
    owner: 'acme',
    repo: 'web',
    repoId: 42,
    commits: [
      {
        author: 'alice',
        name: 'Alice Liddell',
        // Tuesday 23:30 in New York = Wednesday 04:30 UTC.
        timestamp: '2025-11-18T23:30:00-05:00',
        files: { added: ['src/a.ts'], modified: ['docs/guide.md'] },
      },
      {
        author: 'bob',
        name: 'Bob Builder',
        email: 'Bob@Example.com',
        withUsername: false,
        // Wednesday 10:00 in India = 04:30 UTC.
        timestamp: '2025-11-19T10:00:00+05:30',
        files: { modified: ['src/b.ts'] },
      },
    ],
  },
  {
    owner: 'acme',
    repo: 'api',
    repoId: 7,
    commits: [
      {
        author: 'alice',
        name: 'Alice L.',
        timestamp: '2025-11-19T12:00:00Z', // no offset known: UTC
        files: { modified: ['lib/c.ts'] },
      },
    ],
  },
];

beforeAll(async () => {
  servers = await useServers();
  const urls = {
    natsUrl: servers.natsUrl,
    creds: servers.creds,
    redisUrl: servers.redisUrl,
    mongoUrl: servers.mongoUrl,
    mongoDbName: servers.mongoDbName,
  };
  ph = await projectorHarness(urls);
  await ph.start();
  cfg = loadConfig(
    {},
    {
      ...servers.natsEnv('gateway'),
      MONGO_URL: servers.mongoUrl,
      MONGO_DB: servers.mongoDbName,
      GATEWAY_PORT: '0',
      GATEWAY_JWT_SECRETS: SECRET,
      LOG_LEVEL: 'warn',
    },
  );
  gw = await startGateway(cfg);
  for (const push of pushes) await ph.append(push);
  await ph.settled();
}, 120_000);

afterAll(async () => {
  await gw?.stop();
  await ph?.close();
  await servers?.stop();
});

async function dashboard(): Promise<Dashboard> {
  const keys = tokenKeys([SECRET], cfg.GATEWAY_JWT_AUDIENCE, cfg.GATEWAY_JWT_ISSUER);
  const token = await signToken(keys, { orgs: ['acme'], ttlSeconds: 600 });
  const res = await fetch(
    `http://127.0.0.1:${gw.port}/api/v1/orgs/acme/dashboard?from=2025-11-17&to=2025-11-19`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  expect(res.status).toBe(200);
  return Dashboard.parse(await res.json());
}

describe('dashboard from pushes', () => {
  it('dashboard from pushes - names, series, local punch card and modules come from the pushed commits', async () => {
    const d = await dashboard();
    expect(d.totals.commits).toBe(3);
    expect(
      d.developers.map(({ devId, name, login, commits }) => ({ devId, name, login, commits })),
    ).toEqual([
      // The name of alice's latest commit; bob has no login, so his email is his id.
      { devId: 'alice', name: 'Alice L.', login: 'alice', commits: 2 },
      { devId: 'email:bob@example.com', name: 'Bob Builder', login: undefined, commits: 1 },
    ]);
    expect(d.repos.map(({ repoId, name, commits }) => ({ repoId, name, commits }))).toEqual([
      { repoId: '42', name: 'acme/web', commits: 2 },
      { repoId: '7', name: 'acme/api', commits: 1 },
    ]);
    expect(d.series).toEqual({
      granularity: 'day',
      buckets: ['2025-11-17', '2025-11-18', '2025-11-19'],
      repos: [
        { repoId: '42', commits: [0, 0, 2] },
        { repoId: '7', commits: [0, 0, 1] },
      ],
    });
    // Local: Tuesday 23h (-05:00), Wednesday 10h (+05:30), Wednesday 12h (UTC, no offset).
    expect(d.punchCard.localCommits).toBe(2);
    expect(d.punchCard.weekdayHour[1]?.[23]).toBe(1);
    expect(d.punchCard.weekdayHour[2]?.[10]).toBe(1);
    expect(d.punchCard.weekdayHour[2]?.[12]).toBe(1);
    expect(d.punchCard.weekdayHour.flat().reduce((a, b) => a + b, 0)).toBe(3);
    // The UTC heatmap puts both offset commits on Wednesday 04h.
    expect(d.heatmap.weekdayHour[2]?.[4]).toBe(2);
    expect(d.topModules).toEqual([
      { repoId: '42', module: 'src', commits: 2 },
      { repoId: '42', module: 'docs', commits: 1 },
      { repoId: '7', module: 'lib', commits: 1 },
    ]);
  });
});
