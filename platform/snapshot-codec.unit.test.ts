import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Binary } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MetricNames, snapshotId, type MetricSnapshot } from '../schemas/read-models.ts';
import {
  DashboardDayPayloadError,
  decodeDashboardDayPayload,
  decodeSnapshot,
  decodeStoredDay,
  encodeSnapshot,
  snapshotDocument,
  type StoredDashboardDay,
  type StoredDayPayloadFields,
} from './snapshot-codec.ts';

const start = new Date('2025-11-19T00:00:00Z');
const day: Extract<MetricSnapshot, { metricName: 'dashboard_day' }> = {
  orgId: 'acme',
  repoId: '*',
  metricName: MetricNames.dashboardDay,
  metricValue: 3,
  timeframeStart: start,
  timeframeEnd: new Date('2025-11-20T00:00:00Z'),
  payload: {
    hours: Array.from({ length: 24 }, (_, h) => (h === 9 ? 3 : 0)),
    localCells: [{ weekday: 2, hour: 10, commits: 3 }],
    localCommits: 3,
    repos: [{ repoId: '42', name: 'acme/api', commits: 3, files: 5, devIds: ['alice', 'bob'] }],
    developers: [
      { devId: 'alice', name: 'Alice A.', commits: 2, files: 4 },
      { devId: 'bob', commits: 1, files: 1 },
    ],
    modules: [{ repoId: '42', module: 'src', commits: 3 }],
  },
};
const recent: MetricSnapshot = {
  orgId: 'acme',
  repoId: '42',
  metricName: MetricNames.recentCommits,
  metricValue: 3,
  timeframeStart: start,
  timeframeEnd: new Date('2025-11-20T00:00:00Z'),
  payload: { byAuthor: [{ devId: 'alice', count: 3 }] },
};

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('snapshot codec', () => {
  it('snapshot codec - a dashboard_day is stored with its payload as deflated JSON, and decodes to the same snapshot', () => {
    const stored = encodeSnapshot(day) as StoredDashboardDay;
    expect(stored).not.toHaveProperty('payload');
    expect(stored).toMatchObject({ metricName: 'dashboard_day', metricValue: 3 });
    expect(inflateRawSync(stored.payloadDeflated).toString()).toBe(JSON.stringify(day.payload));
    expect(decodeSnapshot(stored)).toStrictEqual(day);
    // As the driver reads it back: a BSON Binary.
    const read = { ...stored, payloadDeflated: new Binary(stored.payloadDeflated) };
    expect(decodeSnapshot(read as never)).toStrictEqual(day);
    // A cache charges a day the length of the JSON it parsed.
    expect(decodeStoredDay(read).jsonLength).toBe(JSON.stringify(day.payload).length);
    // Field order too (the fault comparison compares JSON texts).
    expect(JSON.stringify(decodeSnapshot(stored))).toBe(JSON.stringify(day));
    expect(snapshotDocument(day)._id).toBe(snapshotId(day));
  });

  it('snapshot codec - other metrics keep their nested payload', () => {
    expect(encodeSnapshot(recent)).toBe(recent);
    expect(decodeSnapshot(recent)).toBe(recent);
  });

  it('snapshot codec - a day written before, as JSON text or with the nested payload, still decodes', () => {
    expect(decodeSnapshot(day)).toStrictEqual(day);
    expect(decodeDashboardDayPayload({ payload: day.payload })).toStrictEqual(day.payload);
    const { payload, ...fields } = day;
    const text = { ...fields, payloadJson: JSON.stringify(payload) };
    expect(decodeSnapshot(text)).toStrictEqual(day);
  });

  it('snapshot codec - keeps what the schema does not know, so comparisons stay exact', () => {
    const extra = { ...day.payload, developers: [{ ...day.payload.developers[0]!, x: 1 }] };
    const decoded = decodeDashboardDayPayload({ payloadJson: JSON.stringify(extra) });
    expect(decoded).toStrictEqual(extra);
    expect(decoded).not.toStrictEqual(day.payload);
  });

  it('snapshot codec - a payload that does not inflate, is not JSON, not binary, missing or off-schema is a named error', () => {
    const cases: [string, StoredDayPayloadFields, RegExp][] = [
      ['not deflated', { payloadDeflated: Buffer.from('{"hours":[]}') }, /does not inflate/],
      ['not JSON', { payloadDeflated: deflateRawSync('{"hours": [') }, /not valid JSON/],
      ['not binary', { payloadDeflated: 'eJw=' }, /not binary/],
      ['no field', {}, /no payload/],
      ['off-schema', { payloadDeflated: deflateRawSync('{"hours":[1]}') }, /does not match/],
      ['text: not JSON', { payloadJson: '{"hours": [' }, /not valid JSON/],
      ['text: not a string', { payloadJson: 7 }, /not a string/],
      ['off-schema text', { payloadJson: JSON.stringify({ hours: [1] }) }, /does not match/],
      ['off-schema legacy', { payload: { ...day.payload, localCommits: -1 } }, /does not match/],
    ];
    for (const [what, doc, message] of cases) {
      const err = thrown(() => decodeDashboardDayPayload(doc));
      expect(err, what).toBeInstanceOf(DashboardDayPayloadError);
      expect((err as DashboardDayPayloadError).code, what).toBe('dashboard_day_invalid');
      expect((err as Error).message, what).toMatch(message);
    }
    const { payload: _p, ...rest } = day;
    expect(() => decodeSnapshot({ ...rest, payloadDeflated: Buffer.from('nope') })).toThrow(
      DashboardDayPayloadError,
    );
  });
});
