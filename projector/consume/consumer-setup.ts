import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { Config } from '../../platform/config.ts';
import { Consumers, Streams } from '../../schemas/streams.ts';
import { githubEventFilter } from '../../schemas/subject.ts';

/** The log subjects the projector consumes. */
export const PUSH_FILTER = githubEventFilter('push');

/**
 * The projector's durable pull consumer. No server-side `backoff`: with one, the server
 * uses its first step as the ack wait, which would redeliver a slow batch; failures are
 * nak'ed with the configured delays instead, and slow batches send `working()`.
 */
export function projectorConsumerConfig(
  cfg: Config,
): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: Consumers.projector,
    filter_subject: PUSH_FILTER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(cfg.PROJECTOR_ACK_WAIT_MS),
    max_deliver: cfg.PROJECTOR_MAX_DELIVER,
    // Several projectors each hold up to three batches (prefetched, in flight).
    max_ack_pending: Math.max(1000, cfg.PROJECTOR_BATCH_SIZE * 20),
  };
}

/** The consumer of MAX_DELIVERIES advisories about the projector's consumer. */
export function advisoryConsumerConfig(): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: Consumers.advisories,
    filter_subject: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${Streams.github.name}.${Consumers.projector}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(30_000),
  };
}

const MUTABLE = ['ack_wait', 'max_deliver', 'max_ack_pending', 'filter_subject'] as const;

/**
 * Creates a durable consumer, or brings the mutable settings of an existing one in line
 * with config (several processes calling this at once converge on the same settings).
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  wanted: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  let existing: ConsumerConfig | undefined;
  try {
    existing = (await jsm.consumers.info(stream, wanted.durable_name)).config;
  } catch (err) {
    if (!(err instanceof JetStreamApiError) || err.code !== JetStreamApiCodes.ConsumerNotFound)
      throw err;
  }
  if (!existing) {
    await jsm.consumers.add(stream, wanted);
    return;
  }
  const changes: Record<string, unknown> = {};
  for (const key of MUTABLE) {
    if (wanted[key] !== undefined && wanted[key] !== existing[key]) changes[key] = wanted[key];
  }
  if (Object.keys(changes).length > 0)
    await jsm.consumers.update(stream, wanted.durable_name, changes);
}
