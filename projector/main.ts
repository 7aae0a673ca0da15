import uWS from 'uWebSockets.js';
import type { Config } from '../platform/config.ts';
import { runRoleIfMain } from '../platform/run-role.ts';
import { listen } from '../platform/http/listen.ts';
import { mountOps } from '../platform/http/ops.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { createRegistry } from '../platform/metrics.ts';
import { Consumers, Streams } from '../schemas/streams.ts';
import { openProjectorContext, type ProjectorContext, type SharedConnections } from './connect.ts';
import {
  advisoryConsumerConfig,
  ensureConsumer,
  projectorConsumerConfig,
} from './consume/consumer-setup.ts';
import { AdvisoryWatcher } from './dead-letter/advisory-watcher.ts';
import { DeadLetterWriter } from './dead-letter/dead-letter-writer.ts';
import { projectorMetrics } from './metrics.ts';
import { ProjectorRunner, type FaultHook } from './runner.ts';
import { SelfHeal } from './consume/self-heal.ts';
import { Leases } from './stores/org-lease.ts';
import { RedisEpoch } from './stores/redis-epoch.ts';
import { SuspectMarkers } from './stores/suspect-markers.ts';
import { Auditor } from './audit/auditor.ts';
import { auditMetrics } from './audit/audit-metrics.ts';
import { unfinishedAfter } from '../platform/stop-within.ts';

/** What {@link startProjector} may be given instead of creating it. */
export interface ProjectorDeps extends SharedConnections {
  readonly logger?: Logger;
  /** Test hook: called with each decoded event before it is applied; throwing fails it. */
  readonly faults?: FaultHook;
  /** Serve /healthz, /readyz, /metrics on PROJECTOR_HOST:PROJECTOR_PORT (default true). */
  readonly http?: boolean;
}

export interface ProjectorHandle {
  /** Port of the ops endpoints (0 without HTTP). */
  readonly port: number;
  /** Ready: connected and not paused by a dependency outage. */
  ready(): boolean;
  /** Connections and batch code in use: for tools that need the same (DLQ retry). */
  readonly context: ProjectorContext;
  /** Stop fetching, finish (or leave unacked) the in-flight batch, drain NATS. */
  stop(): Promise<void>;
}

const LAG_POLL_MS = 5000;

/**
 * Starts a projector: streams and durable consumers ensured, the batch runner and the
 * MAX_DELIVERIES advisory watcher running, ops endpoints served. Several may run against
 * the same durable consumer, in one process or many.
 */
export async function startProjector(
  cfg: Config,
  deps: ProjectorDeps = {},
): Promise<ProjectorHandle> {
  const logger = deps.logger ?? createLogger({ level: cfg.LOG_LEVEL, role: 'projector' });
  const ctx = await openProjectorContext(cfg, deps, { role: 'projector', logger });
  const { js, jsm } = ctx;
  await ensureConsumer(jsm, Streams.github.name, projectorConsumerConfig(cfg));
  await ensureConsumer(jsm, Streams.advisories.name, advisoryConsumerConfig());

  const registry = createRegistry('projector');
  const metrics = projectorMetrics(registry);
  const deadLetters = new DeadLetterWriter(ctx.nc, js, logger, (code) =>
    metrics.deadLetters.inc({ code }),
  );
  const consumer = await js.consumers.get(Streams.github.name, Consumers.projector);
  const epoch = new RedisEpoch({
    db: ctx.db,
    redis: ctx.redis,
    counters: ctx.batch.counters,
    leases: new Leases(ctx.redis, {
      // A rebuild reads the whole retention window: give the others time to wait for it.
      waitMs: 10 * 60_000,
      onWait: (leases, waitedMs) =>
        logger.warn({ leases, waitedMs }, 'waiting for another projector to rebuild Redis'),
    }),
    ttlDays: cfg.REDIS_KEY_TTL_DAYS,
    onRebuild: (e) => {
      if (e.phase === 'lost') {
        logger.error(
          { reason: e.reason },
          'Redis may have lost data: rebuilding its counters from commits',
        );
        return;
      }
      metrics.redisRebuilds.inc({ reason: e.reason });
      metrics.redisRebuiltKeys.inc(e.result.keys);
      logger.warn(
        { reason: e.reason, ...e.result, ms: e.ms },
        'Redis counters rebuilt from commits',
      );
    },
  });
  const heal = new SelfHeal({
    epoch,
    snapshots: ctx.snapshots,
    // Longer than a live batch takes: its owner refreshes the note each time it retries.
    pendingGraceMs: Math.max(10_000, 2 * cfg.PROJECTOR_ACK_WAIT_MS),
    logger,
    onDrained: (n) => metrics.pendingSnapshotsDrained.inc(n),
  });
  const runner = new ProjectorRunner({
    consumer,
    batch: { ...ctx.batch, onStage: (stage, s) => metrics.stageSeconds.observe({ stage }, s) },
    sinks: ctx.live,
    targets: ctx.targets,
    objects: ctx.objects,
    deadLetters,
    markers: new SuspectMarkers(ctx.redis),
    metrics,
    logger,
    batchSize: cfg.PROJECTOR_BATCH_SIZE,
    batchWaitMs: cfg.PROJECTOR_BATCH_WAIT_MS,
    ackWaitMs: cfg.PROJECTOR_ACK_WAIT_MS,
    retry: ctx.retry,
    transientBudgetMs: cfg.PROJECTOR_TRANSIENT_BUDGET_MS,
    heal,
    faults: deps.faults,
  });
  const advisories = new AdvisoryWatcher(
    await js.consumers.get(Streams.advisories.name, Consumers.advisories),
    jsm,
    deadLetters,
    logger,
  );
  const auditRecorder = auditMetrics(registry);
  const audit = new Auditor({
    db: ctx.db,
    redis: ctx.redis,
    snapshots: ctx.snapshots,
    targets: ctx.targets,
    ttlDays: cfg.REDIS_KEY_TTL_DAYS,
    intervalMs: cfg.PROJECTOR_AUDIT_INTERVAL_MS,
    orgDaysPerRun: cfg.PROJECTOR_AUDIT_ORG_DAYS_PER_RUN,
    logger,
    onRun: (run) => auditRecorder.record(run),
  });
  runner.start();
  // A fetch begun before NATS died is started afresh once the connection is back.
  void (async () => {
    for await (const s of ctx.nc.status()) if (s.type === 'reconnect') runner.renewFetch();
  })();
  advisories.start();
  audit.start();

  // Lag when idle (while busy each fetched message carries it), and events per second.
  let lastApplied = 0;
  const poll = setInterval(() => {
    void (async () => {
      const applied =
        (await metrics.events.get()).values.find((v) => v.labels.outcome === 'applied')?.value ?? 0;
      metrics.eventsPerSecond.set((applied - lastApplied) / (LAG_POLL_MS / 1000));
      lastApplied = applied;
      const info = await consumer.info();
      metrics.lag.set(info.num_pending);
      metrics.ackPending.set(info.num_ack_pending);
    })().catch(() => undefined);
  }, LAG_POLL_MS);

  let stopping = false;
  const ready = () => !stopping && !runner.paused && !ctx.nc.isClosed();
  let server: { port: number; close(): void } | undefined;
  if (deps.http !== false) {
    const app = uWS.App();
    mountOps(app, {
      registry,
      readiness: async () => {
        const problems: string[] = [];
        if (stopping) problems.push('stopping');
        if (runner.paused)
          problems.push('paused: MongoDB or Redis unreachable longer than the retry budget');
        if (ctx.nc.isClosed()) problems.push('nats: connection closed');
        // Also when idle: an outage shows before the next batch runs into it.
        const [mongoUp, redisUp] = await Promise.all([
          answers(ctx.db.command({ ping: 1 })),
          answers(ctx.redis.ping()),
        ]);
        if (!mongoUp) problems.push('mongo: unreachable');
        if (!redisUp) problems.push('redis: unreachable');
        return problems;
      },
    });
    server = await listen(app, cfg.PROJECTOR_HOST, cfg.PROJECTOR_PORT);
  }
  logger.info({ port: server?.port, batchSize: cfg.PROJECTOR_BATCH_SIZE }, 'projector running');

  return {
    port: server?.port ?? 0,
    ready,
    context: ctx,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(poll);
      const stuck = await unfinishedAfter(
        { runner: runner.stop(), advisories: advisories.stop(), audit: audit.stop() },
        STOP_GRACE_MS,
      );
      // Closing the connections ends their waits; unacked messages go to another projector.
      if (stuck.length > 0)
        logger.warn(
          { stuck, graceMs: STOP_GRACE_MS },
          'stopping: still busy after the grace; closing the connections under them',
        );
      server?.close();
      await ctx.close();
      logger.info('projector stopped');
    },
  };
}

/** How long a stop waits for the runner, advisory watcher and audit to finish their work. */
const STOP_GRACE_MS = 15_000;

/** Whether a ping answers within a second. */
function answers(ping: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    ping.then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), 1000).unref()),
  ]);
}

/** Runs the projector alone: `tsx projector/main.ts`. SIGTERM/SIGINT stop it cleanly. */
runRoleIfMain(import.meta.url, startProjector);
