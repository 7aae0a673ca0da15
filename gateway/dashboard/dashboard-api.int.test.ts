import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { Collections, MetricNames, type CommitDoc } from '../../schemas/read-models.ts';
import { ensureReadModelIndexes } from '../../platform/mongo.ts';
import { switchTarget } from '../../platform/read-model-target.ts';
import type { Gateway } from '../main.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { commitsUpdated, publishUpdate } from '../testing/updates.ts';
import type { Dashboard } from './dashboard-builder.ts';
import { readModelsOf } from '../../projector/testing/mod.ts';
import { snapshotDocument } from '../../platform/snapshot-codec.ts';
import { parseDayRange } from './day-range.ts';
import { dayIds } from './read-dashboard.ts';
import { metric } from '../../test/support/role-process.ts';

let h: Harness;
let gw: Gateway;

function commit(sha: string, iso: string, dev: string, repoId: string, orgId = 'acme'): CommitDoc {
  return {
    sha: sha.padEnd(40, '0'),
    repoId,
    orgId,
    authorGithubId: dev,
    message: `commit ${sha}`,
    timestamp: new Date(iso),
    filesCount: 2,
    modulePaths: ['src'],
    processed: true,
  };
}

/** The `dashboard_day` snapshots of `docs`, as the projector computes them. */
function dashboardDays(docs: CommitDoc[]) {
  return readModelsOf(docs)
    .snapshots.filter((s) => s.metricName === MetricNames.dashboardDay)
    .map(snapshotDocument); // encoded, on their natural key, as the projector writes
}

beforeAll(async () => {
  h = await startHarness({ overrides: { GATEWAY_MAX_RANGE_DAYS: '31' } });
  await ensureReadModelIndexes(h.db);
  // What the projector writes for these commits: the dashboard reads their day rollups.
  await h.db
    .collection<{ _id: string }>(Collections.metricsSnapshots)
    .insertMany(
      dashboardDays([
        commit('a1', '2025-11-19T10:00:00Z', 'alice', '42'),
        commit('a2', '2025-11-19T10:05:00Z', 'alice', '42'),
        commit('a3', '2025-11-18T08:00:00Z', 'alice', '7'),
        commit('b1', '2025-11-19T09:00:00Z', 'bob', '42'),
        commit('x1', '2025-11-19T09:00:00Z', 'mallory', '99', 'globex'),
        commit('o1', '2025-10-01T09:00:00Z', 'alice', '42'),
      ]),
    );
  gw = await h.gateway();
});
afterAll(async () => h?.stop());

async function get(
  path: string,
  token: string | undefined,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${gw.port}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

const named = (login: string) => ({ devId: login, name: login, login });

const url = (org: string, from: string, to: string) =>
  `/api/v1/orgs/${org}/dashboard?from=${from}&to=${to}`;

describe('dashboard api', () => {
  it('dashboard api - heatmaps, developers, repos and asOfSeq of an org for a range', async () => {
    const seq = await publishUpdate(h.js, commitsUpdated('acme', '42', 3));
    const { status, body } = await get(
      url('acme', '2025-11-17', '2025-11-19'),
      await h.token(['acme']),
    );
    expect(status).toBe(200);
    const d = body as Dashboard;
    expect(d.asOfSeq).toBeGreaterThanOrEqual(seq);
    expect(d.totals).toEqual({
      commits: 4,
      developers: 2,
      repos: 2,
      activeDays: 2,
      filesChanged: 8,
    });
    expect(d.heatmap.days).toEqual([
      { day: '2025-11-17', commits: 0 },
      { day: '2025-11-18', commits: 1 },
      { day: '2025-11-19', commits: 3 },
    ]);
    expect(d.heatmap.weekdayHour[2]?.[10]).toBe(2); // Wednesday 10:00 UTC
    expect(d.heatmap.weekdayHour[1]?.[8]).toBe(1); // Tuesday 08:00 UTC
    expect(d.developers).toEqual([
      // Documents without authorName (written before it was kept): named by the login.
      // The index of the 7 days ending on `to` (11-13 … 11-19), from the days' rollups:
      // alice 3/3 commits, 2/7 days, 2/2 modules (42/src, 7/src); bob 1/3, 1/7, 1/2.
      { ...named('alice'), commits: 3, activeDays: 2, filesChanged: 6, activityIndex: 76 },
      { ...named('bob'), commits: 1, activeDays: 1, filesChanged: 2, activityIndex: 33 },
    ]);
    expect(d.repos).toEqual([
      { repoId: '42', name: '42', commits: 3, developers: 2, filesChanged: 6 },
      { repoId: '7', name: '7', commits: 1, developers: 1, filesChanged: 2 },
    ]);
  });

  it('dashboard api - the answer is gzipped for a client that accepts it, and the same JSON', async () => {
    const path = url('acme', '2025-11-17', '2025-11-19');
    const token = await h.token(['acme']);
    const raw = (acceptEncoding: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: gw.port,
            path,
            headers: { authorization: `Bearer ${token}`, 'accept-encoding': acceptEncoding },
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (b: Buffer) => parts.push(b));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const zipped = await raw('gzip, deflate, br');
    const plain = await raw('identity');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Origin, Accept-Encoding');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const a = JSON.parse(gunzipSync(zipped.body).toString()) as Dashboard;
    const b = JSON.parse(plain.body.toString()) as Dashboard;
    expect({ ...a, asOfSeq: 0 }).toEqual({ ...b, asOfSeq: 0 });
    expect(b.totals.commits).toBe(4);
    expect(zipped.body.length).toBeLessThan(plain.body.length);
  });

  it('dashboard api - 401 without or with a bad token, 403 for an org not in the token', async () => {
    const path = url('acme', '2025-11-17', '2025-11-19');
    expect(await get(path, undefined)).toEqual({
      status: 401,
      body: { error: { code: 'token_missing', message: expect.any(String) } },
    });
    expect((await get(path, 'x.y.z')).status).toBe(401);
    const foreign = await get(path, await h.token(['globex']));
    expect(foreign).toEqual({
      status: 403,
      body: { error: { code: 'forbidden_org', message: expect.any(String) } },
    });
  });

  it('dashboard api - bad dates, from after to and a range over the cap are 400 with a clear message', async () => {
    const token = await h.token(['acme']);
    const cases: [string, string][] = [
      [url('acme', '2025-13-01', '2025-11-19'), 'bad_date'],
      [`/api/v1/orgs/acme/dashboard?to=2025-11-19`, 'bad_date'],
      [url('acme', '2025-11-20', '2025-11-19'), 'bad_range'],
      [url('acme', '2025-01-01', '2025-11-19'), 'range_too_long'],
    ];
    for (const [path, code] of cases) {
      const { status, body } = await get(path, token);
      expect(status).toBe(400);
      expect(body).toEqual({ error: { code, message: expect.any(String) } });
    }
  });

  it('dashboard api - the days are looked up by _id, which no server answers with a collection scan', async () => {
    const ids = dayIds('acme', parseDayRange('2025-11-17', '2025-11-19', 31));
    expect(ids).toEqual(
      ['2025-11-17', '2025-11-18', '2025-11-19'].map((day) =>
        JSON.stringify(['acme', '*', MetricNames.dashboardDay, `${day}T00:00:00.000Z`]),
      ),
    );
    // The ids are the projector's natural keys: the stored days are found by them.
    const snapshots = h.db.collection<{ _id: string }>(Collections.metricsSnapshots);
    expect(await snapshots.countDocuments({ _id: { $in: ids } })).toBe(2);
    const explain = await snapshots.find({ _id: ids[2]! }).explain();
    const plan = JSON.stringify(explain.queryPlanner);
    if ('ferretdbVersion' in (explain.serverInfo ?? {})) {
      // FerretDB (SQLite): the filter is pushed down to the _id index, not scanned.
      expect(explain.filterPushdown).toBe(true);
      expect(plan).toContain('USING INDEX');
    } else {
      expect(plan).not.toContain('COLLSCAN');
    }
  });

  it('dashboard api - reads the current read-model target after a replay switches it', async () => {
    await ensureReadModelIndexes(h.db, '_v1');
    await h.db
      .collection<{ _id: string }>(`${Collections.metricsSnapshots}_v1`)
      .insertMany(dashboardDays([commit('c1', '2025-11-19T12:00:00Z', 'carol', '5')]));
    await switchTarget(h.db, 1);
    await sleep(1100);
    const { body } = await get(url('acme', '2025-11-17', '2025-11-19'), await h.token(['acme']));
    const d = body as Dashboard;
    expect(d.readModelVersion).toBe(1);
    expect(d.developers.map((x) => x.devId)).toEqual(['carol']);
    await switchTarget(h.db, 0);
  });

  it('dashboard api - a range shorter than the activity window still indexes the whole window', async () => {
    await sleep(1100); // the target cache may still hold the version the test before switched to
    const { body } = await get(url('acme', '2025-11-19', '2025-11-19'), await h.token(['acme']));
    const d = body as Dashboard;
    // The range holds alice's two commits of 11-19; her index counts 11-18's too.
    expect(d.developers.map((x) => [x.devId, x.commits, x.activityIndex])).toEqual([
      ['alice', 2, 76],
      ['bob', 1, 33],
    ]);
  });

  it('dashboard api - a day still in the nested form of before (no replay yet) gives the same dashboard', async () => {
    const commits = (orgId: string) => [
      commit('n1', '2025-11-18T10:00:00Z', 'alice', '42', orgId),
      commit('n2', '2025-11-19T11:00:00Z', 'bob', '7', orgId),
      commit('n3', '2025-11-19T12:00:00Z', 'alice', '42', orgId),
    ];
    const nested = readModelsOf(commits('nested-form'))
      .snapshots.filter((s) => s.metricName === MetricNames.dashboardDay)
      .map((s) => ({ ...s, _id: snapshotDocument(s)._id }));
    expect(nested[0]).toHaveProperty('payload.developers');
    const snapshots = h.db.collection<{ _id: string }>(Collections.metricsSnapshots);
    await snapshots.insertMany(nested);
    await snapshots.insertMany(dashboardDays(commits('text-form')));
    const token = await h.token(['nested-form', 'text-form']);
    const old = await get(url('nested-form', '2025-11-17', '2025-11-19'), token);
    const now = await get(url('text-form', '2025-11-17', '2025-11-19'), token);
    expect(old.status).toBe(200);
    expect(now.status).toBe(200);
    const { orgId: _a, asOfSeq: _b, ...a } = old.body as Dashboard;
    const { orgId: _c, asOfSeq: _d, ...b } = now.body as Dashboard;
    expect(a).toEqual(b);
    expect(b.totals.commits).toBe(3);
  });

  it('dashboard api - days kept from an answer are not read again until an update names them', async () => {
    const org = 'cached';
    const snapshots = h.db.collection<{ _id: string }>(Collections.metricsSnapshots);
    const before = [
      commit('c1', '2025-11-18T10:00:00Z', 'alice', '42', org),
      commit('c2', '2025-11-19T10:00:00Z', 'alice', '42', org),
    ];
    await snapshots.insertMany(dashboardDays(before));
    const token = await h.token([org]);
    const base = `http://127.0.0.1:${gw.port}`;
    const days = (result: string) =>
      metric(base, 'teampulse_gateway_dashboard_days_total', `result="${result}"`);
    const path = url(org, '2025-11-17', '2025-11-19'); // 3 days, and 4 before for the index
    const first = await get(path, token);
    expect((first.body as Dashboard).totals.commits).toBe(2);
    const [hits, misses] = [await days('hit'), await days('miss')];
    const again = await get(path, token);
    expect(again.body).toEqual(first.body);
    expect(await days('hit')).toBe(hits + 7); // every day (with commits or not) from the cache
    expect(await days('miss')).toBe(misses);

    // 11-19 rewritten as a batch would, then its update: the next answer reads that day again.
    const [, day19] = dashboardDays([
      ...before,
      commit('c3', '2025-11-19T11:00:00Z', 'bob', '7', org),
    ]);
    await snapshots.replaceOne({ _id: day19!._id }, day19!);
    const seq = await publishUpdate(h.js, { ...commitsUpdated(org, '7', 1) });
    const fresh = await get(path, token);
    const d = fresh.body as Dashboard;
    expect(d.asOfSeq).toBeGreaterThanOrEqual(seq);
    expect(d.totals.commits).toBe(3);
    expect(d.developers.map((x) => x.devId)).toEqual(['alice', 'bob']);
    expect(await days('miss')).toBe(misses + 1); // 11-19 alone
  });

  it('dashboard api - a dashboard_day whose payload does not inflate to JSON is a 500, not a guess', async () => {
    const [day] = dashboardDays([commit('j1', '2025-11-18T10:00:00Z', 'alice', '42', 'bad-json')]);
    await h.db
      .collection<{ _id: string }>(Collections.metricsSnapshots)
      .insertOne({ ...day!, payloadDeflated: deflateRawSync('{"hours":[') } as never);
    const res = await get(url('bad-json', '2025-11-17', '2025-11-19'), await h.token(['bad-json']));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });

  it('dashboard api - a dashboard_day snapshot that does not match its schema is a 500, not a guess', async () => {
    await h.db
      .collection<{ _id: string; [k: string]: unknown }>(Collections.metricsSnapshots)
      .insertOne({
        _id: JSON.stringify([
          'broken-day',
          '*',
          MetricNames.dashboardDay,
          '2025-11-18T00:00:00.000Z',
        ]),
        orgId: 'broken-day',
        repoId: '*',
        metricName: MetricNames.dashboardDay,
        metricValue: 1,
        timeframeStart: new Date('2025-11-18T00:00:00Z'),
        timeframeEnd: new Date('2025-11-19T00:00:00Z'),
        payload: { hours: [1], localCells: [], localCommits: 0, repos: [], developers: [] },
      });
    const res = await get(
      url('broken-day', '2025-11-17', '2025-11-19'),
      await h.token(['broken-day']),
    );
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });
});
