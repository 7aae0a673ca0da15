/** Test fixtures: COMMITS_UPDATED messages published straight into `UPDATES`, as the projector would. */
import type { JetStreamClient } from '@nats-io/jetstream';
import { updatesSubject } from '../../schemas/subject.ts';
import type { CommitsUpdated } from '../../schemas/updates.ts';

/** A COMMITS_UPDATED for an org and repo. `lineageSize` pads the frame (backpressure tests). */
export function commitsUpdated(
  orgId: string,
  repoId: string,
  commitCount: number,
  lineageSize = 1,
): CommitsUpdated {
  return {
    type: 'COMMITS_UPDATED',
    orgId,
    repoId,
    payload: {
      commitCount,
      days: ['2025-11-19'],
      lineage: Array.from({ length: lineageSize }, (_, i) => ({
        streamSeq: i + 1,
        deliveryId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      })),
    },
  };
}

/** Publishes one update and returns its `UPDATES` sequence. */
export async function publishUpdate(js: JetStreamClient, update: CommitsUpdated): Promise<number> {
  const ack = await js.publish(updatesSubject(update.orgId, update.repoId), JSON.stringify(update));
  return ack.seq;
}
