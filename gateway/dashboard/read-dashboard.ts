import type { Db } from 'mongodb';
import { z } from 'zod';
import { ActivityIndexPayload, MetricNames } from '../../schemas/read-models.ts';
import { TeamPulseError } from '../../platform/errors.ts';
import { DAY_MS } from '../../schemas/utc-day.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { DashboardBuilder, type CommitRow, type Dashboard } from './dashboard-builder.ts';
import type { DayRange } from './day-range.ts';

/** Activity windows are a week long; this bounds the index range scanned for the one ending on `to`. */
const MAX_ACTIVITY_WINDOW_DAYS = 31;

/**
 * Reads an org's dashboard for a range from the read models of `target`.
 *
 * Commits: one range read on the `org_time` index ({orgId, timestamp}), only the fields
 * used, streamed through a cursor: every number of the answer comes from that one pass.
 * Activity index (read at the same time): the projector's org-wide
 * `activity_index` snapshot whose window ends on `to`, found on the `org_metric_time`
 * index ({orgId, metricName, timeframeStart}) within a bounded range.
 */
export async function readDashboard(
  db: Db,
  target: ReadModelTarget,
  orgId: string,
  range: DayRange,
  asOfSeq: number,
): Promise<Dashboard> {
  const builder = new DashboardBuilder(range);
  const { filter, projection } = commitsQuery(orgId, range);
  // The snapshot's read runs while the commits stream in: one round trip less to wait for.
  const activity = readActivityIndex(db, target, orgId, range);
  activity.catch(() => undefined); // awaited below; an early failure must not go unhandled
  const cursor = db.collection(target.commits).find(filter, { projection, batchSize: 2000 });
  for await (const doc of cursor) builder.add(doc as unknown as CommitRow);
  const activityIndex = await activity;
  return builder.build({ orgId, asOfSeq, readModelVersion: target.version, activityIndex });
}

/**
 * The commits query: equality on `orgId` and a range on `timestamp`, exactly the
 * `org_time` index ({orgId: 1, timestamp: 1}), and only the fields the dashboard reads.
 */
export function commitsQuery(orgId: string, range: DayRange) {
  return {
    filter: { orgId, timestamp: { $gte: range.start, $lt: range.end } },
    projection: {
      _id: 0,
      timestamp: 1,
      authorGithubId: 1,
      repoId: 1,
      filesCount: 1,
      authorName: 1,
      utcOffsetMinutes: 1,
      repoName: 1,
      modulePaths: 1,
    },
  } as const;
}

/** The part of an `activity_index` snapshot the dashboard reads. */
const ActivityDoc = z.object({ payload: ActivityIndexPayload.pick({ developers: true }) });

/** A stored snapshot that does not match its schema: a bug or a foreign writer, answered 500. */
export class InvalidSnapshotError extends TeamPulseError {
  override name = 'InvalidSnapshotError';
  constructor(orgId: string, cause: unknown) {
    super('snapshot_invalid', `the activity_index snapshot of ${orgId} does not match its schema`, {
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
