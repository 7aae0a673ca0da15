import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import { Binary } from 'mongodb';
import { z } from 'zod';
import {
  DashboardDayPayload,
  MetricNames,
  snapshotId,
  type MetricSnapshot,
} from '../schemas/read-models.ts';

/**
 * A `dashboard_day` as stored in `metrics_snapshots`: the {@link DashboardDayPayload} as
 * one binary field, `payloadDeflated` (its JSON text, raw-deflated), instead of a nested
 * `payload` object.
 *
 * Why one opaque field: FerretDB (SQLite backend) converts every value of a document on
 * each write and read, so its cost is per value, and a day holds hundreds of small
 * objects; a string it still decodes character by character (every quote of the JSON
 * escaped), binary it copies as base64. Measured (`npm run bench:snapshot-shape`, serial
 * replaceOne-upsert then findOne by `_id`, per document, days of 700 developers, quiet
 * machine): nested objects write 26.0 ms, read 52.1 ms; parallel arrays of scalars 13.6 /
 * 26.6 ms; the JSON as a string 3.5 / 4.6 ms; the JSON deflated 2.5 / 1.6 ms (a day is
 * ~6× smaller). Nobody queries inside a day (the gateway reads it whole by `_id`), so
 * nothing is lost. MongoDB stores either in one BSON value; only the bytes differ.
 *
 * Why a field of its own rather than `payload`: a stored document says by its field which
 * form it is in. Days written before (`payloadJson`, the JSON as text; earlier the nested
 * `payload`) are still read (see {@link decodeDashboardDayPayload}) until a live write of
 * the day or `teampulse replay --projections snapshots` replaces them.
 */
export const StoredDashboardDay = z.object({
  orgId: z.string(),
  repoId: z.string(),
  metricName: z.literal(MetricNames.dashboardDay),
  metricValue: z.number(),
  timeframeStart: z.date(),
  timeframeEnd: z.date(),
  /** `JSON.stringify` of the day's {@link DashboardDayPayload}, raw-deflated (a BSON binary). */
  payloadDeflated: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
});
export type StoredDashboardDay = z.infer<typeof StoredDashboardDay>;

type DashboardDaySnapshot = Extract<MetricSnapshot, { metricName: 'dashboard_day' }>;

/**
 * A `metrics_snapshots` document's body (`_id` aside): `dashboard_day` encoded (or in the
 * text form of before), the others as they are.
 */
export type StoredMetricSnapshot =
  | Exclude<MetricSnapshot, { metricName: 'dashboard_day' }>
  | StoredDashboardDay
  | LegacyStoredDashboardDay;

/** A stored `dashboard_day` whose payload is not valid JSON or does not match its schema. */
export class DashboardDayPayloadError extends Error {
  override name = 'DashboardDayPayloadError';
  readonly code = 'dashboard_day_invalid';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A day's payload as stored: its JSON text, raw-deflated at the fastest level (the
 * projector writes days on its hot path; reading inflates at the same speed whatever the
 * level).
 */
export function encodeDashboardDayPayload(payload: DashboardDayPayload): Buffer {
  return deflateRawSync(JSON.stringify(payload), { level: constants.Z_BEST_SPEED });
}

/** The bytes of a stored binary: a `Buffer` as written, a BSON `Binary` as the driver reads it. */
function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof Binary) return value.buffer.subarray(0, value.position);
  return undefined;
}

/** The fields a stored day's payload may be in (the current form first). */
export interface StoredDayPayloadFields {
  payloadDeflated?: unknown;
  payloadJson?: unknown;
  payload?: unknown;
}

/**
 * A stored day's payload from its fields: `payloadDeflated` (inflated, then parsed), or
 * the forms of documents written before it: `payloadJson` (text), the nested `payload`
 * (until a live write or `teampulse replay --projections snapshots` replaces them).
 * Checked against {@link DashboardDayPayload}, but the parsed value itself is returned
 * (the schema only drops unknown keys, and a comparison must see them: the audit's is
 * exact).
 * @throws {DashboardDayPayloadError} no payload field, bytes that do not inflate, invalid
 * JSON, or a schema mismatch.
 */
export function decodeDashboardDayPayload(doc: StoredDayPayloadFields): DashboardDayPayload {
  return decodeStoredDay(doc).payload;
}

/**
 * {@link decodeDashboardDayPayload}, with the length of the payload's JSON text (what a
 * cache of decoded days charges for it; measured on the text it parsed, not stringified
 * again).
 */
export function decodeStoredDay(doc: StoredDayPayloadFields): {
  payload: DashboardDayPayload;
  jsonLength: number;
} {
  let value: unknown = doc.payload;
  let jsonLength: number | undefined;
  if (doc.payloadDeflated !== undefined) {
    const bytes = bytesOf(doc.payloadDeflated);
    if (!bytes) throw new DashboardDayPayloadError('dashboard_day payloadDeflated is not binary');
    let text: string;
    try {
      text = inflateRawSync(bytes).toString('utf8');
    } catch (cause) {
      throw new DashboardDayPayloadError('dashboard_day payloadDeflated does not inflate', {
        cause,
      });
    }
    value = parseJson(text, 'payloadDeflated');
    jsonLength = text.length;
  } else if (doc.payloadJson !== undefined) {
    if (typeof doc.payloadJson !== 'string')
      throw new DashboardDayPayloadError('dashboard_day payloadJson is not a string');
    value = parseJson(doc.payloadJson, 'payloadJson');
    jsonLength = doc.payloadJson.length;
  } else if (value === undefined) {
    throw new DashboardDayPayloadError('dashboard_day has no payload (payloadDeflated)');
  }
  const checked = DashboardDayPayload.safeParse(value);
  if (!checked.success)
    throw new DashboardDayPayloadError('dashboard_day payload does not match its schema', {
      cause: checked.error,
    });
  const payload = value as DashboardDayPayload;
  return { payload, jsonLength: jsonLength ?? JSON.stringify(payload).length };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DashboardDayPayloadError(`dashboard_day ${field} is not valid JSON`, { cause });
  }
}

/** A snapshot as written to `metrics_snapshots` (without `_id`): a day's payload deflated. */
export function encodeSnapshot(s: MetricSnapshot): StoredMetricSnapshot {
  if (s.metricName !== MetricNames.dashboardDay) return s;
  const { payload, ...rest } = s;
  return { ...rest, payloadDeflated: encodeDashboardDayPayload(payload) };
}

/** {@link encodeSnapshot} with the snapshot's `_id` (its natural key), for inserts. */
export function snapshotDocument(s: MetricSnapshot): StoredMetricSnapshot & { _id: string } {
  return { _id: snapshotId(s), ...encodeSnapshot(s) };
}

/**
 * A stored snapshot back in its decoded form: a `dashboard_day`'s payload field (any of
 * {@link StoredDayPayloadFields}) becomes `payload`, placed last as the projector builds
 * it; every other field, and every other metric, is left as read.
 * @throws {DashboardDayPayloadError} a day whose payload cannot be decoded.
 */
export function decodeSnapshot(doc: StoredMetricSnapshot | MetricSnapshot): MetricSnapshot {
  if (doc.metricName !== MetricNames.dashboardDay) return doc;
  const {
    payloadDeflated: _deflated,
    payloadJson: _json,
    payload: _payload,
    ...rest
  } = doc as Partial<StoredDashboardDay & DashboardDaySnapshot> &
    StoredDayPayloadFields &
    Pick<DashboardDaySnapshot, 'metricName'>;
  return { ...rest, payload: decodeDashboardDayPayload(doc) } as DashboardDaySnapshot;
}

/** A `dashboard_day` stored before `payloadDeflated`: its JSON as text. */
export type LegacyStoredDashboardDay = Omit<StoredDashboardDay, 'payloadDeflated'> & {
  payloadJson: string;
};
