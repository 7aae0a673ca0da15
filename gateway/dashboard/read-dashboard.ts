import type { Db } from 'mongodb';
import { z } from 'zod';
import {
  ActivityIndexPayload,
  DashboardDayPayload,
  MetricNames,
} from '../../schemas/read-models.ts';
import { TeamPulseError } from '../../platform/errors.ts';
import { DAY_MS } from '../../schemas/utc-day.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { DashboardBuilder, type Dashboard } from './dashboard-builder.ts';
import type { DayRange } from './day-range.ts';

/** Activity windows are a week long; this bounds the index range scanned for the one ending on `to`. */
const MAX_ACTIVITY_WINDOW_DAYS = 31;

/**
 * Reads an org's dashboard for a range from the read models of `target`.
 *
 * Every number but the activity index comes from the projector's `dashboard_day`
 * snapshots of the range: one range read on the `org_metric_time` index ({orgId,
 * metricName, timeframeStart}), one document per day with commits, whatever the number
 * of commits (reading the commits themselves cost ~0.35 ms per commit on FerretDB).
 * Activity index (read at the same time): the org-wide `activity_index` snapshot whose
 * window ends on `to`, on the same index within a bounded range.
 */
export async function readDashboard(
  db: Db,
  target: ReadModelTarget,
  orgId: string,
  range: DayRange,
  asOfSeq: number,
): Promise<Dashboard> {
  const builder = new DashboardBuilder(range);
  const { filter, projection } = daysQuery(orgId, range);
  // The activity read runs while the days stream in: one round trip less to wait for.
  const activity = readActivityIndex(db, target, orgId, range);
  activity.catch(() => undefined); // awaited below; an early failure must not go unhandled
  const cursor = db.collection(target.snapshots).find(filter, { projection, batchSize: 1000 });
  for await (const doc of cursor) {
    const parsed = DayDoc.safeParse(doc);
    if (!parsed.success)
      throw new InvalidSnapshotError(orgId, parsed.error, MetricNames.dashboardDay);
    builder.addDay(parsed.data.timeframeStart, parsed.data.payload);
  }
  const activityIndex = await activity;
  return builder.build({ orgId, asOfSeq, readModelVersion: target.version, activityIndex });
}

/**
 * The days query: equality on `orgId` and `metricName`, a range on `timeframeStart`,
 * exactly the `org_metric_time` index, and only the fields the dashboard reads.
 */
export function daysQuery(orgId: string, range: DayRange) {
  return {
    filter: {
      orgId,
      metricName: MetricNames.dashboardDay,
      timeframeStart: { $gte: range.start, $lt: range.end },
    },
    projection: { _id: 0, timeframeStart: 1, payload: 1 },
  } as const;
}

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
  const toStart = range.end.getTime() - DAY_MS;
  const doc = await db.collection(target.snapshots).findOne(
    {
      orgId,
      metricName: MetricNames.activityIndex,
      timeframeStart: {
        $gt: new Date(toStart - MAX_ACTIVITY_WINDOW_DAYS * DAY_MS),
        $lte: new Date(toStart),
      },
      timeframeEnd: range.end,
    },
    { projection: { _id: 0, 'payload.developers': 1 } },
  );
  const index = new Map<string, number>();
  if (!doc) return index;
  const parsed = ActivityDoc.safeParse(doc);
  if (!parsed.success) throw new InvalidSnapshotError(orgId, parsed.error);
  for (const line of parsed.data.payload.developers) index.set(line.devId, line.index);
  return index;
}
