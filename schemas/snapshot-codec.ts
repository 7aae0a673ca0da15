import { z } from 'zod';
import {
  DashboardDayPayload,
  MetricNames,
  snapshotId,
  type MetricSnapshot,
} from './read-models.ts';

/**
 * A `dashboard_day` as stored in `metrics_snapshots`: the {@link DashboardDayPayload} as
 * one JSON text field, `payloadJson`, instead of a nested `payload` object.
 *
 * Why text: FerretDB (SQLite backend) converts every value of a document on each write
 * and read, so its cost is per value, not per byte, and a day holds hundreds of small
 * objects. Measured (200 docs of a ~21 KB day — 180 developers, 10 repos with devIds, 60
 * modules, 60 cells — serial replaceOne-upsert then findOne by `_id`, per document, on a
 * loaded machine; `npm run bench:snapshot-shape` repeats it): nested objects write 11.4 ms,
 * read 25.0 ms; parallel arrays of scalars 5.1 / 12.1 ms; one JSON string 2.1 / 3.3 ms.
 * Nobody queries inside a day (the gateway reads it whole by `_id`), so nothing is lost.
 *
 * Why a new field rather than `payload` as a string: a stored document says by its field
 * which form it is in (documents written before hold the nested `payload`, still read: see
 * {@link decodeDashboardDayPayload}), and `payload` keeps one type per metric everywhere.
 */
export const StoredDashboardDay = z.object({
  orgId: z.string(),
  repoId: z.string(),
  metricName: z.literal(MetricNames.dashboardDay),
  metricValue: z.number(),
  timeframeStart: z.date(),
  timeframeEnd: z.date(),
  /** `JSON.stringify` of the day's {@link DashboardDayPayload}. */
  payloadJson: z.string(),
});
export type StoredDashboardDay = z.infer<typeof StoredDashboardDay>;

type DashboardDaySnapshot = Extract<MetricSnapshot, { metricName: 'dashboard_day' }>;

/** A `metrics_snapshots` document's body (`_id` aside): `dashboard_day` encoded, the others as they are. */
export type StoredMetricSnapshot =
  Exclude<MetricSnapshot, { metricName: 'dashboard_day' }> | StoredDashboardDay;

/** A stored `dashboard_day` whose payload is not valid JSON or does not match its schema. */
export class DashboardDayPayloadError extends Error {
  override name = 'DashboardDayPayloadError';
  readonly code = 'dashboard_day_invalid';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A day's payload as stored: its JSON text. */
export function encodeDashboardDayPayload(payload: DashboardDayPayload): string {
  return JSON.stringify(payload);
}

/**
 * A stored day's payload from its fields: `payloadJson` (text, parsed), or else the nested
 * `payload` object of documents written before the text form (until the next
 * `teampulse replay --projections snapshots` rewrites them). Checked against
 * {@link DashboardDayPayload}, but the parsed value itself is returned (the schema only
 * drops unknown keys, and a comparison must see them: the audit's is exact).
 * @throws {DashboardDayPayloadError} neither field, invalid JSON, or a schema mismatch.
 */
export function decodeDashboardDayPayload(doc: {
  payloadJson?: unknown;
  payload?: unknown;
}): DashboardDayPayload {
  let value: unknown = doc.payload;
  if (doc.payloadJson !== undefined) {
    if (typeof doc.payloadJson !== 'string')
      throw new DashboardDayPayloadError('dashboard_day payloadJson is not a string');
    try {
      value = JSON.parse(doc.payloadJson);
    } catch (cause) {
      throw new DashboardDayPayloadError('dashboard_day payloadJson is not valid JSON', { cause });
    }
  } else if (value === undefined) {
    throw new DashboardDayPayloadError('dashboard_day has neither payloadJson nor payload');
  }
  const checked = DashboardDayPayload.safeParse(value);
  if (!checked.success)
    throw new DashboardDayPayloadError('dashboard_day payload does not match its schema', {
      cause: checked.error,
    });
  return value as DashboardDayPayload;
}

/** A snapshot as written to `metrics_snapshots` (without `_id`): a day's payload as text. */
export function encodeSnapshot(s: MetricSnapshot): StoredMetricSnapshot {
  if (s.metricName !== MetricNames.dashboardDay) return s;
  const { payload, ...rest } = s;
  return { ...rest, payloadJson: encodeDashboardDayPayload(payload) };
}

/** {@link encodeSnapshot} with the snapshot's `_id` (its natural key), for inserts. */
export function snapshotDocument(s: MetricSnapshot): StoredMetricSnapshot & { _id: string } {
  return { _id: snapshotId(s), ...encodeSnapshot(s) };
}

/**
 * A stored snapshot back in its decoded form: a `dashboard_day`'s `payloadJson` (or the
 * nested `payload` of a document written before) becomes `payload`, placed last as the
 * projector builds it; every other field, and every other metric, is left as read.
 * @throws {DashboardDayPayloadError} a day whose payload cannot be decoded.
 */
export function decodeSnapshot(doc: StoredMetricSnapshot | MetricSnapshot): MetricSnapshot {
  if (doc.metricName !== MetricNames.dashboardDay) return doc;
  const {
    payloadJson: _json,
    payload: _payload,
    ...rest
  } = doc as Partial<StoredDashboardDay & DashboardDaySnapshot> &
    Pick<DashboardDaySnapshot, 'metricName'>;
  return { ...rest, payload: decodeDashboardDayPayload(doc) } as DashboardDaySnapshot;
}
