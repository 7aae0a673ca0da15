import type { Db } from 'mongodb';
import { z } from 'zod';
import {
  ACTIVITY_WINDOW_DAYS,
  ActivityIndexPayload,
  ALL_REPOS,
  DashboardDayPayload,
  MetricNames,
  snapshotId,
} from '../../schemas/read-models.ts';
import { TeamPulseError } from '../../platform/errors.ts';
import { DAY_MS } from '../../schemas/utc-day.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { DashboardBuilder, type Dashboard } from './dashboard-builder.ts';
import type { DayRange } from './day-range.ts';

/** `dashboard_day` lookups in flight per request (the driver's pool is 100 connections). */
const DAY_READS_IN_FLIGHT = 16;

/**
 * Reads an org's dashboard for a range from the read models of `target`.
 *
 * Every number but the activity index comes from the projector's `dashboard_day`
 * snapshots of the range: one document per day, whatever the number of commits (reading
 * the commits cost ~0.35 ms per commit on FerretDB). They are looked up by `_id` (the
 * natural key, known for every day of the range), {@link DAY_READS_IN_FLIGHT} at a time:
 * FerretDB (SQLite) answers an `_id` filter from its index but scans the whole
 * collection — every org's snapshots of every kind — for anything else, `$in` on `_id`
 * included (measured: 366 lookups ~0.3 s; one range query on `{orgId, metricName,
 * timeframeStart}` ~2.4 s once the collection held 30,000 other snapshots). A day without
 * commits has no document. Activity index (read at the same time): the org-wide
 * `activity_index` snapshot whose window ends on `to`, by `_id` too.
 */
export async function readDashboard(
  db: Db,
  target: ReadModelTarget,
  orgId: string,
  range: DayRange,
  asOfSeq: number,
): Promise<Dashboard> {
  const builder = new DashboardBuilder(range);
  // The activity read runs while the days are read: one round trip less to wait for.
  const activity = readActivityIndex(db, target, orgId, range);
  activity.catch(() => undefined); // awaited below; an early failure must not go unhandled
  const snapshots = db.collection<{ _id: string }>(target.snapshots);
  const ids = dayIds(orgId, range);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const doc = await snapshots.findOne({ _id: id }, { projection: DAY_FIELDS });
      if (!doc) continue;
      const parsed = DayDoc.safeParse(doc);
      if (!parsed.success) {
        next = ids.length; // the answer is a 500: the other workers stop reading
        throw new InvalidSnapshotError(orgId, parsed.error, MetricNames.dashboardDay);
      }
      builder.addDay(parsed.data.timeframeStart, parsed.data.payload);
    }
  };
  const workers = Array.from({ length: Math.min(DAY_READS_IN_FLIGHT, ids.length) }, worker);
  try {
    await Promise.all(workers);
  } catch (err) {
    next = ids.length; // a read failed: the other workers stop too
    throw err;
  }
  const activityIndex = await activity;
  return builder.build({ orgId, asOfSeq, readModelVersion: target.version, activityIndex });
}

/** The `_id`s of the org's `dashboard_day` snapshots of every day of the range, in order. */
export function dayIds(orgId: string, range: DayRange): string[] {
  return Array.from({ length: range.days }, (_, i) =>
    snapshotId({
      orgId,
      repoId: ALL_REPOS,
      metricName: MetricNames.dashboardDay,
      timeframeStart: new Date(range.start.getTime() + i * DAY_MS),
    }),
  );
}

/** The fields of a `dashboard_day` the dashboard reads. */
export const DAY_FIELDS = { _id: 0, timeframeStart: 1, payload: 1 } as const;

/** The part of a `dashboard_day` snapshot the dashboard reads. */
const DayDoc = z.object({ timeframeStart: z.date(), payload: DashboardDayPayload });

/** The part of an `activity_index` snapshot the dashboard reads. */
const ActivityDoc = z.object({ payload: ActivityIndexPayload.pick({ developers: true }) });

/** A stored snapshot that does not match its schema: a bug or a foreign writer, answered 500. */
export class InvalidSnapshotError extends TeamPulseError {
  override name = 'InvalidSnapshotError';
  constructor(orgId: string, cause: unknown, metric: string = MetricNames.activityIndex) {
    super('snapshot_invalid', `the ${metric} snapshot of ${orgId} does not match its schema`, {
      cause,
    });
  }
}

async function readActivityIndex(
  db: Db,
  target: ReadModelTarget,
  orgId: string,
  range: DayRange,
): Promise<Map<string, number>> {
  const id = snapshotId({
    orgId,
    repoId: ALL_REPOS,
    metricName: MetricNames.activityIndex,
    timeframeStart: new Date(range.end.getTime() - ACTIVITY_WINDOW_DAYS * DAY_MS),
  });
  const doc = await db
    .collection<{ _id: string }>(target.snapshots)
    .findOne({ _id: id }, { projection: { _id: 0, 'payload.developers': 1 } });
  const index = new Map<string, number>();
  if (!doc) return index;
  const parsed = ActivityDoc.safeParse(doc);
  if (!parsed.success) throw new InvalidSnapshotError(orgId, parsed.error);
  for (const line of parsed.data.payload.developers) index.set(line.devId, line.index);
  return index;
}
