/**
 * How the shape of a stored `dashboard_day` changes the MongoDB-wire server's cost:
 * `npm run bench:snapshot-shape -- [--docs 200] [--developers 180]`. The same realistic
 * payload (developers with their 1–3 repo/module pairs, 10 repos with their devIds, 60
 * modules, 60 punch-card cells) is written with a serial `replaceOne` upsert by `_id`, then
 * read with `findOne` by `_id`, per document, in four shapes: nested objects (as stored
 * first), "columnar" (parallel arrays of scalars), one JSON text field (`payloadJson`, as
 * stored next) and the JSON deflated into one binary field (`payloadDeflated`, as stored
 * now, through `platform/snapshot-codec.ts`). FerretDB converts every value it stores or
 * returns, so its cost follows the number of values, and then the bytes (a string is
 * decoded character by character, a binary copied). The client's own decoding (inflate,
 * JSON.parse and the schema check) is timed apart. Starts its own server on loopback and
 * stops it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { startMongo } from '../platform/local-stack/mod.ts';
import { DashboardDayPayload, MetricNames } from '../schemas/read-models.ts';
import {
  decodeDashboardDayPayload,
  encodeDashboardDayPayload,
} from '../platform/snapshot-codec.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { row } from './support/proc.ts';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '200' },
    developers: { type: 'string', default: '180' },
  },
});
const DOCS = Number(args.docs);

/** A busy day of a large org, through the schema (the shape the projector writes). */
function payload(seed: number): DashboardDayPayload {
  const rand = seededRandom(seed);
  const devs = Array.from({ length: Number(args.developers) }, (_, i) => ({
    devId: i % 10 === 9 ? `email:dev${i}@corp.example` : `dev${i}`,
    name: `Developer ${i} Smith`,
    commits: 1 + Math.floor(rand() * 6),
    files: 1 + Math.floor(rand() * 40),
    // The `<repoId>/<module>` pairs of the day, for the activity index (1–3).
    modules: ['src', 'lib', 'test']
      .slice(0, 1 + Math.floor(rand() * 3))
      .map((m) => `${1000 + (i % 10)}/${m}`),
  }));
  const repos = Array.from({ length: 10 }, (_, r) => ({
    repoId: String(1000 + r),
    name: `corp/repo-${r}`,
    commits: 10 + Math.floor(rand() * 80),
    files: 50 + Math.floor(rand() * 400),
    devIds: devs.filter((_, i) => i % 10 === r || rand() < 0.02).map((d) => d.devId),
  }));
  const cells = Array.from({ length: 60 }, (_, c) => ({
    weekday: Math.floor(c / 24) + 1,
    hour: c % 24,
    commits: 1 + Math.floor(rand() * 20),
  }));
  return DashboardDayPayload.parse({
    hours: Array.from({ length: 24 }, () => Math.floor(rand() * 50)),
    localCells: cells,
    localCommits: cells.reduce((n, c) => n + c.commits, 0),
    repos,
    developers: devs,
    modules: repos.flatMap((r) =>
      ['src', 'lib', 'docs', 'test', 'api', 'web'].map((module) => ({
        repoId: r.repoId,
        module,
        commits: 1 + Math.floor(rand() * 30),
      })),
    ),
  });
}

/** Parallel arrays of scalars (FerretDB stores no nested arrays: devIds flattened with counts). */
function columnar(p: DashboardDayPayload) {
  return {
    hours: p.hours,
    cells: {
      weekday: p.localCells.map((c) => c.weekday),
      hour: p.localCells.map((c) => c.hour),
      commits: p.localCells.map((c) => c.commits),
    },
    localCommits: p.localCommits,
    repos: {
      repoId: p.repos.map((r) => r.repoId),
      name: p.repos.map((r) => r.name ?? ''),
      commits: p.repos.map((r) => r.commits),
      files: p.repos.map((r) => r.files),
      devCount: p.repos.map((r) => r.devIds.length),
      devIds: p.repos.flatMap((r) => r.devIds),
    },
    developers: {
      devId: p.developers.map((d) => d.devId),
      name: p.developers.map((d) => d.name ?? ''),
      commits: p.developers.map((d) => d.commits),
      files: p.developers.map((d) => d.files),
      moduleCount: p.developers.map((d) => d.modules?.length ?? 0),
      modules: p.developers.flatMap((d) => d.modules ?? []),
    },
    modules: {
      repoId: p.modules.map((m) => m.repoId),
      module: p.modules.map((m) => m.module),
      commits: p.modules.map((m) => m.commits),
    },
  };
}

const payloads = Array.from({ length: DOCS }, (_, i) => payload(i + 1));
const shapes: { name: string; body: (p: DashboardDayPayload) => Record<string, unknown> }[] = [
  { name: 'nested (before)', body: (p) => ({ payload: p }) },
  { name: 'columnar', body: (p) => ({ payload: columnar(p) }) },
  { name: 'payloadJson (before)', body: (p) => ({ payloadJson: JSON.stringify(p) }) },
  {
    name: 'payloadDeflated (now)',
    body: (p) => ({ payloadDeflated: encodeDashboardDayPayload(p) }),
  },
];

const dir = await mkdtemp(join(tmpdir(), 'tp-bench-shape-'));
const mongo = await startMongo({ dataDir: dir });
const client = await MongoClient.connect(mongo.url);
try {
  process.stdout.write(
    `${DOCS} dashboard_day documents, ${args.developers} developers, 10 repos, 60 modules, ` +
      `60 cells; payload JSON ~${Math.round(JSON.stringify(payloads[0]!).length / 1024)} KB, ` +
      `deflated ~${Math.round(encodeDashboardDayPayload(payloads[0]!).length / 1024)} KB\n`,
  );
  console.log(row('shape', 'write ms/doc', 'read ms/doc', 'decode ms/doc'));
  for (const [k, shape] of shapes.entries()) {
    const coll = client.db('bench').collection<{ _id: string }>(`shape${k}`);
    const doc = (i: number) => ({
      orgId: 'bigorg',
      repoId: '*',
      metricName: MetricNames.dashboardDay,
      metricValue: 1,
      timeframeStart: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000),
      ...shape.body(payloads[i]!),
    });
    let t = performance.now();
    for (let i = 0; i < DOCS; i++)
      await coll.replaceOne({ _id: `day-${i}` }, doc(i), { upsert: true });
    const write = (performance.now() - t) / DOCS;
    const read: Record<string, unknown>[] = [];
    t = performance.now();
    for (let i = 0; i < DOCS; i++) read.push((await coll.findOne({ _id: `day-${i}` }))!);
    const readMs = (performance.now() - t) / DOCS;
    // The gateway's own work on what it read: the nested day checked, the text parsed and checked.
    t = performance.now();
    for (const d of read) {
      if (k === 1) continue; // columnar: not a stored form; its decoding is not measured
      decodeDashboardDayPayload(d);
    }
    const decode = k === 1 ? '-' : ((performance.now() - t) / DOCS).toFixed(2);
    console.log(row(shape.name, write.toFixed(2), readMs.toFixed(2), decode));
  }
  console.log(row('server', mongo.kind ?? 'ferretdb'));
} finally {
  await client.close();
  await mongo.stop();
  await rm(dir, { recursive: true, force: true });
}
