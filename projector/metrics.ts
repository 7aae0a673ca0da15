import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The projector's Prometheus metrics. */
export function projectorMetrics(registry: Registry) {
  return {
    events: new Counter({
      name: 'teampulse_projector_events_total',
      help: 'Log events by outcome (applied, retried, dead_lettered)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    eventsPerSecond: new Gauge({
      name: 'teampulse_projector_events_per_second',
      help: 'Events applied per second over the last few seconds',
      registers: [registry],
    }),
    newCommits: new Counter({
      name: 'teampulse_projector_new_commits_total',
      help: 'Commits inserted into the read models (not seen before)',
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'teampulse_projector_batch_size',
      help: 'Events per applied batch',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'teampulse_projector_batch_seconds',
      help: 'Time to apply a batch (read models written and update published)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    stageSeconds: new Histogram({
      name: 'teampulse_projector_stage_seconds',
      help: 'Time per stage of a live batch: batch_wait (waiting for the batch to fill), due, commits, counters, snapshots, checkpoint, publish',
      labelNames: ['stage'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'teampulse_projector_lag',
      help: 'Push events in the log not yet delivered to the projector (consumer num_pending)',
      registers: [registry],
    }),
    ackPending: new Gauge({
      name: 'teampulse_projector_ack_pending',
      help: 'Events delivered to projectors and not yet acked (consumer num_ack_pending)',
      registers: [registry],
    }),
    retries: new Counter({
      name: 'teampulse_projector_retries_total',
      help: 'Retries: transient (in-process, dependency down) or nak (redelivery with backoff)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    paused: new Gauge({
      name: 'teampulse_projector_paused',
      help: '1 while processing is paused because a dependency is down',
      registers: [registry],
    }),
    redisRebuilds: new Counter({
      name: 'teampulse_projector_redis_rebuilds_total',
      help: 'Redis counter rebuilds from commits, by reason (epoch_missing: wiped; redis_restarted)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    redisRebuiltKeys: new Counter({
      name: 'teampulse_projector_redis_rebuilt_keys_total',
      help: 'Counter keys written by Redis rebuilds',
      registers: [registry],
    }),
    pendingSnapshotsDrained: new Counter({
      name: 'teampulse_projector_pending_snapshots_drained_total',
      help: 'Batches whose snapshots were left due after their commits were stored, recomputed later',
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'teampulse_projector_dead_letters_total',
      help: 'Events moved to the dead-letter stream, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
}
export type ProjectorMetrics = ReturnType<typeof projectorMetrics>;
