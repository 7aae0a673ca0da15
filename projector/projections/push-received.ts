import type { PushEvent } from '../../schemas/push-event.ts';

/** Where an event sits in the log: enough for lineage and dead letters. */
export interface LogPosition {
  readonly streamSeq: number;
  /** The GitHub delivery GUID (`X-GitHub-Delivery`). */
  readonly deliveryId: string;
  readonly subject: string;
  /** When ingest received the delivery (log header), for freshness; absent on old messages. */
  readonly receivedAt?: Date | undefined;
}

/** A validated push from the log: the one event type the projections handle. */
export interface PushReceived extends LogPosition {
  readonly type: 'push';
  readonly push: PushEvent;
}

/** The events the projections know. */
export type ProjectorEvent = PushReceived;
