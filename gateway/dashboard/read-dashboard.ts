import type { Db } from 'mongodb';
import { z } from 'zod';
import {
  ACTIVITY_WINDOW_DAYS,
  ALL_REPOS,
  MetricNames,
  snapshotId,
  type DashboardDayDeveloper,
  type DashboardDayPayload,
} from '../../schemas/read-models.ts';
import { decodeStoredDay, type StoredDayPayloadFields } from '../../platform/snapshot-codec.ts';
import { TeamPulseError } from '../../platform/errors.ts';
import { DAY_MS, utcDay } from '../../schemas/utc-day.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { activityIndexOf } from './activity-index.ts';
import { DashboardBuilder, type Dashboard } from './dashboard-builder.ts';
import type { DayCache } from './day-cache.ts';
import type { DayRange } from './day-range.ts';

/** The gateway's {@link DayCache} for one answer, when the live feed vouches for it. */
export interface DayCacheUse {
  readonly days: DayCache;
  /** Counts a day taken from the cache or read from the store. */
  counted(result: 'hit' | 'miss'): void;
}

/** `dashboard_day` lookups in flight per request (the driver's pool is 100 connections). */
const DAY_READS_IN_FLIGHT = 16;

/**
 * Reads an org's dashboard for a range from the read models of `target`.
 *
 * Every number comes from the projector's `dashboard_day` snapshots: one document per day,
 * whatever the number of commits (reading the commits cost ~0.35 ms per commit on
 * FerretDB). The activity index of the window ending on `to` is computed from the
 * window's days ({@link activityIndexOf}); a range shorter than the window reads the days
 * before it too, for the index only. Days are looked up by `_id` (the natural key, known
 * for every day), {@link DAY_READS_IN_FLIGHT} at a time: FerretDB (SQLite) answers an
 * `_id` filter from its index but scans the whole collection — every org's snapshots of
 * every kind — for anything else, `$in` on `_id` included (measured: 366 lookups ~0.3 s;
 * one range query on `{orgId, metricName, timeframeStart}` ~2.4 s once the collection
 * held 30,000 other snapshots). A day without commits has no document. A day's payload is
 * stored as its JSON deflated (`payloadDeflated`: FerretDB's cost is per value it
 * converts, then per byte of a string; 17–32× cheaper to read than nested objects, see
 * `platform/snapshot-codec.ts`), decoded here; a day still in a form of before is read
 * too. With `cache`, days kept from earlier answers are not read again (see
 * {@link DayCache}); what is read is kept.
 */
export async function readDashboard(
  db: Db,
  target: ReadModelTarget,
  orgId: string,
  range: DayRange,
  asOfSeq: number,
  cache?: DayCacheUse,
): Promise<Dashboard> {
  const builder = new DashboardBuilder(range);
  const snapshots = db.collection<{ _id: string } & StoredDayPayloadFields>(target.snapshots);
  const windowStart = range.end.getTime() - ACTIVITY_WINDOW_DAYS * DAY_MS;
  const before = Math.max(0, range.start.getTime() - windowStart) / DAY_MS;
  // The days before the range (for the index alone) first, then the range's own.
  const ids = dayIds(orgId, {
    start: new Date(range.start.getTime() - before * DAY_MS),
    days: range.days + before,
  });
  const firstDay = range.start.getTime() - before * DAY_MS;
  const window: (readonly DashboardDayDeveloper[])[] = [];
  const ticket = cache?.days.begin() ?? 0;
  let next = 0;
  const use = (i: number, start: number, payload: DashboardDayPayload | null): void => {
    if (!payload) return;
    if (start >= windowStart) window.push(payload.developers);
    if (i >= before) builder.addDay(new Date(start), payload);
  };
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      const start = firstDay + i * DAY_MS;
      const day = cache ? utcDay(start) : '';
      const kept = cache?.days.get(orgId, day, target.version);
      cache?.counted(kept === undefined ? 'miss' : 'hit');
      if (kept !== undefined) {
        use(i, start, kept);
        continue;
      }
      const doc = await snapshots.findOne({ _id: ids[i]! }, { projection: DAY_FIELDS });
      let payload: DashboardDayPayload | null = null;
      let bytes = 0;
      if (doc) {
        try {
          if (DayDoc.parse(doc).timeframeStart.getTime() !== start) throw new Error('not its day');
          ({ payload, jsonLength: bytes } = decodeStoredDay(doc));
        } catch (err) {
          next = ids.length; // the answer is a 500: the other workers stop reading
          throw new InvalidSnapshotError(orgId, err);
        }
      }
      cache?.days.put(orgId, day, target.version, payload, bytes, ticket);
      use(i, start, payload);
    }
  };
  const workers = Array.from({ length: Math.min(DAY_READS_IN_FLIGHT, ids.length) }, worker);
  try {
    await Promise.all(workers);
  } catch (err) {
    next = ids.length; // a read failed: the other workers stop too
    throw err;
  }
  const activityIndex = activityIndexOf(window);
  return builder.build({ orgId, asOfSeq, readModelVersion: target.version, activityIndex });
}

/** The `_id`s of the org's `dashboard_day` snapshots of `days` days from `start`, in order. */
export function dayIds(orgId: string, range: Pick<DayRange, 'start' | 'days'>): string[] {
  return Array.from({ length: range.days }, (_, i) =>
    snapshotId({
      orgId,
      repoId: ALL_REPOS,
      metricName: MetricNames.dashboardDay,
      timeframeStart: new Date(range.start.getTime() + i * DAY_MS),
    }),
  );
}

/** The fields of a `dashboard_day` the dashboard reads (`payloadJson`, `payload`: days written before). */
export const DAY_FIELDS = {
  _id: 0,
  timeframeStart: 1,
  payloadDeflated: 1,
  payloadJson: 1,
  payload: 1,
} as const;

/** The part of a `dashboard_day` snapshot the dashboard reads besides its payload. */
const DayDoc = z.object({ timeframeStart: z.date() });

/** A stored snapshot that does not match its schema: a bug or a foreign writer, answered 500. */
export class InvalidSnapshotError extends TeamPulseError {
  override name = 'InvalidSnapshotError';
  constructor(orgId: string, cause: unknown, metric: string = MetricNames.dashboardDay) {
    super('snapshot_invalid', `the ${metric} snapshot of ${orgId} does not match its schema`, {
      cause,
    });
  }
}
