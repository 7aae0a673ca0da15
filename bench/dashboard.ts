/**
 * Dashboard API benchmark: `npm run bench:dashboard -- [--commits 80000] [--developers 700]
 * [--repos 8] [--other 10000] [--runs 10]`.
 *
 * Starts NATS and a MongoDB-wire server (FerretDB here, mongod where installed) on loopback,
 * bulk-inserts a realistic year of one org (`bench/support/dashboard-seed.ts`: the
 * projector's document shape, names, offsets, modules) plus `--other` commits of another
 * org in the same collection, their `dashboard_day` rollups (computed as the projector
 * does). Then, through a real gateway (in this process),
 * times `GET /api/v1/orgs/{org}/dashboard` for 1 year, 90 and 30 days: p50/p99 of the whole
 * answer on a keep-alive connection, and its size on the wire (gzip when the gateway serves
 * it) and decoded. The limit, measured in the same run and in alternation with the API so
 * load elsewhere hits both alike: the same day documents looked up raw by `_id`, 16 at a
 * time, same projection, no parsing, building or HTTP. For comparison, the range's commits
 * read raw (what the dashboard read before the rollups). Last, the gateway's own work
 * alone: the builder over a year's day rollups in memory, then JSON and gzip.
 */
import { request, Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  activityIndexOf,
  DAY_FIELDS,
  DashboardBuilder,
  dayIds,
  parseDayRange,
} from '../gateway/mod.ts';
import { Collections, MetricNames, snapshotId } from '../schemas/read-models.ts';
import { addDays, dayStart } from '../schemas/utc-day.ts';
import { benchGateway } from './support/bench-gateway.ts';
import { startBenchStores } from './support/bench-stores.ts';
import { seededDays, seedOrgYear } from './support/dashboard-seed.ts';
import { percentile, row } from './support/proc.ts';

const { values: args } = parseArgs({
  options: {
    commits: { type: 'string', default: '80000' },
    developers: { type: 'string', default: '700' },
    repos: { type: 'string', default: '8' },
    other: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '10' },
  },
});
const ORG = 'bigorg';
const TO = '2026-11-29';
const RANGES = [
  { label: '1 year', days: 365 },
  { label: '90 days', days: 90 },
  { label: '30 days', days: 30 },
];
const LIMIT_MS = 1000;
/** Small snapshots of other orgs, so the collection is not the dashboard's days alone. */
const OTHER_SNAPSHOTS = 30_000;

const stores = await startBenchStores('dashboard');
const { nats, mongo, db } = stores;
try {
  const started = performance.now();
  const seeds = [
    { orgId: ORG, developers: Number(args.developers), commits: Number(args.commits), seed: 1 },
    { orgId: 'otherorg', developers: 50, commits: Number(args.other), seed: 2 },
  ];
  let seeded = 0;
  const snapshots = db.collection<{ _id: string }>(Collections.metricsSnapshots);
  const payloadBytes: number[] = [];
  for (const s of seeds) {
    const year = await seedOrgYear(db, { ...s, repos: Number(args.repos), to: TO, days: 365 });
    seeded += year.commits;
    if (s.orgId === ORG)
      for (const d of year.days) payloadBytes.push(JSON.stringify(d.payload).length);
  }
  for (let i = 0; i < OTHER_SNAPSHOTS; i += 5000) {
    await snapshots.insertMany(
      Array.from({ length: 5000 }, (_, k) => {
        const other = otherSnapshot(i + k);
        return { ...other, _id: snapshotId(other) };
      }),
      { ordered: false },
    );
  }
  payloadBytes.sort((a, b) => a - b);
  const seedSeconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `seeded ${seeded} commits (${args.commits} of ${ORG}, ${args.developers} developers, ${args.repos} repos) and their day rollups in ${seedSeconds.toFixed(1)} s on ${mongo.kind}\n` +
      `${ORG}'s dashboard_day snapshots: ${payloadBytes.length}, payload JSON size p50 ${percentile(payloadBytes, 0.5)} B, max ${payloadBytes.at(-1) ?? 0} B\n`,
  );

  const { gateway, token } = await benchGateway({
    nats,
    mongoUrl: mongo.url,
    mongoDb: 'bench',
    org: ORG,
    // Every answer from the store: the day cache would answer the repeated runs itself.
    env: { GATEWAY_DAY_CACHE_MB: '0' },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const lines = [row('range', 'p50 ms', 'p99 ms', 'limit p50', 'ratio', 'wire B', 'JSON B')];
    for (const r of RANGES) {
      const from = addDays(TO, -(r.days - 1));
      const path = `/api/v1/orgs/${ORG}/dashboard?from=${from}&to=${TO}`;
      const ids = dayIds(ORG, parseDayRange(from, TO, 366));
      const raw = async (): Promise<number> => {
        const t = performance.now();
        let n = 0;
        let next = 0;
        const worker = async () => {
          while (next < ids.length) {
            const id = ids[next++]!;
            if (await snapshots.findOne({ _id: id }, { projection: DAY_FIELDS })) n++;
          }
        };
        await Promise.all(Array.from({ length: 16 }, worker));
        if (n === 0) throw new Error('the limit read no days');
        return performance.now() - t;
      };
      await get(gateway.port, path, token, agent); // warm-up
      await raw();
      const api: number[] = [];
      const limit: number[] = [];
      let wire = 0;
      let json = 0;
      let encoding = 'identity';
      for (let i = 0; i < Number(args.runs); i++) {
        limit.push(await raw());
        const res = await get(gateway.port, path, token, agent);
        api.push(res.ms);
        wire = res.wire;
        json = res.json;
        encoding = res.encoding;
      }
      api.sort((a, b) => a - b);
      limit.sort((a, b) => a - b);
      const p50 = percentile(api, 0.5);
      lines.push(
        row(
          `${r.label} (${encoding})`,
          p50.toFixed(0),
          percentile(api, 0.99).toFixed(0),
          percentile(limit, 0.5).toFixed(0),
          `${(p50 / percentile(limit, 0.5)).toFixed(2)}x`,
          wire,
          json,
        ),
      );
      if (r.days === 365) {
        lines.push(
          `  1 year p99 vs the 1 s goal: ${(percentile(api, 0.99) / LIMIT_MS).toFixed(2)} of it`,
          `  before the rollups, the year's commits read raw: ${(await rawCommits(from)).toFixed(0)} ms`,
        );
      }
    }
    process.stdout.write(`${lines.join('\n')}\n${buildAlone()}\n`);
  } finally {
    agent.destroy();
    await gateway.stop();
  }
} finally {
  await stores.stop();
}

/** The year's commits of the org read raw by one cursor, as the dashboard did before the rollups (ms). */
async function rawCommits(from: string): Promise<number> {
  const range = parseDayRange(from, TO, 366);
  const t = performance.now();
  let n = 0;
  const cursor = db
    .collection(Collections.commits)
    .find(
      { orgId: ORG, timestamp: { $gte: range.start, $lt: range.end } },
      { projection: { _id: 0, sha: 0, message: 0, orgId: 0, processed: 0 }, batchSize: 2000 },
    );
  for await (const _ of cursor) n++;
  if (n === 0) throw new Error('the commits read found none');
  return performance.now() - t;
}

/** The builder, JSON and gzip over a year of day rollups in memory: the gateway's own work. */
function buildAlone(): string {
  const options = { orgId: ORG, developers: Number(args.developers), repos: Number(args.repos) };
  const seed = { ...options, commits: Number(args.commits), to: TO, days: 365, seed: 1 };
  const payloads = seededDays(seed).map((s) => [s.timeframeStart, s.payload] as const);
  const range = parseDayRange(addDays(TO, -364), TO, 366);
  const times: number[][] = [];
  for (let i = 0; i < 5 + Number(args.runs); i++) {
    const t0 = performance.now();
    const b = new DashboardBuilder(range);
    for (const [start, payload] of payloads) b.addDay(start, payload);
    const t1 = performance.now();
    const activityIndex = activityIndexOf(payloads.slice(-7).map(([, p]) => p.developers));
    const d = b.build({ orgId: ORG, asOfSeq: 0, readModelVersion: 0, activityIndex });
    const t2 = performance.now();
    const zipped = gzipSync(JSON.stringify(d));
    if (i >= 5) times.push([t1 - t0, t2 - t1, performance.now() - t2, zipped.length]); // 5 warm-ups
  }
  const p50 = (k: number) =>
    percentile(
      times.map((t) => t[k] ?? 0).sort((a, b) => a - b),
      0.5,
    );
  return (
    `builder alone, ${payloads.length} days of ${args.commits} commits in memory (p50): addDay ${p50(0).toFixed(1)} ms, ` +
    `build ${p50(1).toFixed(1)} ms, JSON + gzip ${p50(2).toFixed(1)} ms (${p50(3)} B gzipped)`
  );
}

/** One GET on a kept-alive connection: time to the last byte, sizes on the wire and decoded. */
function get(
  port: number,
  path: string,
  token: string,
  agent: Agent,
): Promise<{ ms: number; wire: number; json: number; encoding: string }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent,
        headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => {
          const ms = performance.now() - t;
          const body = Buffer.concat(parts);
          const encoding = res.headers['content-encoding'] ?? 'identity';
          const text = encoding === 'gzip' ? gunzipSync(body) : body;
          if (res.statusCode !== 200) {
            reject(new Error(`HTTP ${String(res.statusCode)}: ${text.toString().slice(0, 200)}`));
            return;
          }
          resolve({ ms, wire: body.length, json: text.length, encoding });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A `recent_commits` of some other org's repo-day: what fills the collection in production. */
function otherSnapshot(i: number) {
  const start = dayStart(addDays(TO, -(Math.floor(i / 400) % 365))); // (repo, day) distinct
  return {
    orgId: `org${i % 50}`,
    repoId: String(i % 400),
    metricName: MetricNames.recentCommits,
    metricValue: 4,
    timeframeStart: start,
    timeframeEnd: new Date(start.getTime() + 86_400_000),
    payload: {
      byAuthor: [
        { devId: `dev${i % 97}`, count: 3 },
        { devId: 'bob', count: 1 },
      ],
    },
  };
}
