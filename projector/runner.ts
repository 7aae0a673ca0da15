import type { Consumer, JsMsg } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import type { Logger } from '../platform/logger.ts';
import type { ReadModelTarget } from '../platform/read-model-target.ts';
import type { BatchDeps, BatchSinks } from './batch/apply-batch.ts';
import { processBatch, type ProcessingPath } from './batch/process-batch.ts';
import { settlementOf, type RetryPolicy } from './batch/settlement.ts';
import { Prefetcher } from './consume/prefetcher.ts';
import type { TargetSource } from './consume/target-source.ts';
import type { SelfHeal } from './consume/self-heal.ts';
import { retryTransient } from './consume/transient-retry.ts';
import type { DeadLetterWriter } from './dead-letter/dead-letter-writer.ts';
import { dependencyOf, type Dependency } from './dependency-of.ts';
import { StoppingError } from './errors.ts';
import type { ProjectorMetrics } from './metrics.ts';
import type { PushReceived } from './projections/push-received.ts';
import { Mark, type SuspectMarkers } from './stores/suspect-markers.ts';

/**
 * A test hook called for every decoded event before it is applied; what it throws is
 * handled like a failure of that event (a {@link TransientError} like an outage).
 */
export type FaultHook = (event: PushReceived, ctx: { deliveryCount: number }) => void;

export interface RunnerOptions {
  readonly consumer: Consumer;
  readonly batch: BatchDeps;
  /** Where live results go: the snapshot writer, the update publisher, the live checkpoint. */
  readonly sinks: BatchSinks;
  readonly targets: TargetSource;
  readonly objects: () => Promise<ObjectStore>;
  readonly deadLetters: DeadLetterWriter;
  readonly markers: SuspectMarkers;
  readonly metrics: ProjectorMetrics;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly batchWaitMs: number;
  readonly ackWaitMs: number;
  /** Deliveries before a failure is dead-lettered, and the nak delays between them. */
  readonly retry: RetryPolicy;
  /** How long a dependency may be down before processing pauses (readiness false). */
  readonly transientBudgetMs: number;
  /** Repairs run before each batch and on a timer (Redis epoch, snapshots left due). */
  readonly heal: SelfHeal;
  readonly faults?: FaultHook | undefined;
}

/** How often the self-heal checks run besides before each batch (also while idle). */
const HEAL_EVERY_MS = 5000;
/** While a dependency stays down, its retry is logged again at least this often. */
const RETRY_LOG_EVERY_MS = 5000;

/**
 * fetch → the shared processing path ({@link processBatch}) → ack, in batches. Each message
 * ends in one outcome: ack; nak with backoff (a failure with deliveries left); dead letter
 * then term (poison, or the last delivery failed); or, while a dependency is down, kept
 * (with `working()`) and retried in-process. Events a process died on (see
 * {@link SuspectMarkers}) are run one at a time, so an event that kills the process cannot
 * take its batch-mates with it.
 */
export class ProjectorRunner {
  readonly #o: RunnerOptions;
  readonly #prefetcher: Prefetcher;
  readonly #abort = new AbortController();
  readonly #inflight = new Set<JsMsg>();
  readonly #path: ProcessingPath<JsMsg>;
  #paused = false;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #healTimer: NodeJS.Timeout | undefined;
  #healing: Promise<void> | undefined;
  #lastRetryLog = 0;
  #outageStarted: number | undefined;
  /** The server the current outage is waiting for (a change is logged at once). */
  #waitingFor: Dependency | undefined;

  constructor(opts: RunnerOptions) {
    this.#o = opts;
    this.#prefetcher = new Prefetcher(opts.consumer, {
      batchSize: opts.batchSize,
      // 2 s (heartbeats every 1 s): a pull the server dropped (sent while it restarted and
      // JetStream was not serving yet) fails after two missed heartbeats, 2 s, and is sent
      // again, instead of after 5 s. Idle, it costs one pull request per 2 s.
      expiresMs: 2000,
      logger: opts.logger,
      onPending: (n) => opts.metrics.lag.set(n),
      onBatchWait: (s) => opts.metrics.stageSeconds.observe({ stage: 'batch_wait' }, s),
    });
    const faults = opts.faults;
    this.#path = {
      deps: opts.batch,
      sinks: opts.sinks,
      objects: opts.objects,
      onSplit: (err, size) =>
        opts.logger.warn({ err, size }, 'batch failed; applying its events one by one'),
      inspect: faults && ((event, msg) => faults(event, { deliveryCount: msg.info.deliveryCount })),
      settle: {
        guard: (fn) => this.#transient(fn),
        applied: (msgs, result) => this.#applied(msgs, result.newCommits),
        failed: async (msg, err) => {
          await this.#fail(msg, err);
          return false;
        },
      },
    };
  }

  /** The NATS connection came back: fetch again at once (see `Prefetcher.renew`). */
  renewFetch(): void {
    this.#prefetcher.renew();
  }

  /** False while paused because a dependency is down. */
  get paused(): boolean {
    return this.#paused;
  }

  start(): void {
    if (this.#loop) return;
    this.#prefetcher.start();
    // Everything this process holds (in flight and prefetched) is kept alive, so slow
    // batches and outages never make the server redeliver it elsewhere, while the ack wait
    // stays short (PROJECTOR_ACK_WAIT_MS, 4 s): what a SIGKILLed process held goes to
    // another projector within that. Only messages held since the previous tick are
    // touched (the others were delivered less than a tick ago), so a steady flow of short
    // batches sends next to no `working()`; the longest a held message goes untouched is
    // two ticks, half the ack wait.
    const every = Math.max(100, Math.floor(this.#o.ackWaitMs / 4));
    let held = new Set<JsMsg>();
    this.#heartbeat = setInterval(() => {
      const now = new Set<JsMsg>([...this.#inflight, ...this.#prefetcher.buffered()]);
      for (const m of now) if (held.has(m)) m.working();
      held = now;
    }, every);
    this.#healTimer = setInterval(() => {
      this.#healing ??= this.#healNow().finally(() => (this.#healing = undefined));
    }, HEAL_EVERY_MS);
    this.#loop = this.#run();
  }

  /** The periodic self-heal; a failure is logged and tried again at the next tick. */
  async #healNow(): Promise<void> {
    try {
      await this.#o.heal.periodic(await this.#o.targets.current());
    } catch (err) {
      this.#o.logger.warn(
        { server: dependencyOf(err), err: (err as Error).message, retryInMs: HEAL_EVERY_MS },
        'self-heal check failed; trying again',
      );
    }
  }

  /**
   * Stops fetching, lets the in-flight batch finish (a batch held by an outage is left
   * unacked instead), naks what was prefetched but not started, so another projector
   * takes it at once.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    const leftovers = await this.#prefetcher.stop();
    await this.#loop;
    clearInterval(this.#heartbeat);
    clearInterval(this.#healTimer);
    await this.#healing;
    for (const m of leftovers) m.nak();
  }

  async #run(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      const msgs = await this.#prefetcher.take(this.#o.batchSize, this.#o.batchWaitMs);
      if (msgs.length === 0) continue;
      for (const m of msgs) this.#inflight.add(m);
      try {
        await this.#process(msgs);
      } catch (err) {
        if (!(err instanceof StoppingError))
          this.#o.logger.error({ err }, 'unexpected error in the projector loop');
      } finally {
        this.#inflight.clear();
      }
    }
  }

  async #process(msgs: JsMsg[]): Promise<void> {
    const target = await this.#transient(() => this.#o.targets.current());
    // One GET while Redis holds its epoch; if it lost its data, counters are rebuilt first.
    await this.#transient(() => this.#o.heal.beforeBatch(target));
    // Only a redelivered message can carry the mark of a process that died on it.
    const again = msgs.filter((m) => m.info.deliveryCount > 1).map((m) => m.seq);
    const marks =
      again.length > 0
        ? await this.#transient(() => this.#o.markers.marks(again))
        : new Map<number, Mark>();
    const normal = msgs.filter((m) => !marks.has(m.seq));
    if (normal.length > 0) {
      const seqs = normal.map((m) => m.seq);
      await this.#transient(() => this.#o.markers.mark(seqs, Mark.batch));
      await this.#processBatch(normal, target);
      await this.#transient(() => this.#o.markers.clear(seqs));
    }
    if (marks.size > 0) {
      const suspects = msgs.filter((m) => marks.has(m.seq));
      const ordered = [
        ...suspects.filter((m) => marks.get(m.seq) === Mark.batch),
        ...suspects.filter((m) => marks.get(m.seq) === Mark.alone),
      ];
      this.#o.logger.warn(
        { seqs: ordered.map((m) => m.seq) },
        'a process died applying these; applying them one by one',
      );
      await this.#processOneByOne(ordered, target);
    }
  }

  async #processBatch(msgs: JsMsg[], target: ReadModelTarget): Promise<void> {
    const started = performance.now();
    const inOneGo = await processBatch(this.#path, target, msgs);
    if (inOneGo) this.#o.metrics.batchSeconds.observe((performance.now() - started) / 1000);
  }

  async #processOneByOne(msgs: JsMsg[], target: ReadModelTarget): Promise<void> {
    for (const msg of msgs) {
      if (this.#abort.signal.aborted) throw new StoppingError();
      await this.#transient(() => this.#o.markers.mark([msg.seq], Mark.alone));
      await processBatch(this.#path, target, [msg]);
      await this.#transient(() => this.#o.markers.clear([msg.seq]));
    }
  }

  #applied(msgs: readonly JsMsg[], newCommits: number): void {
    for (const msg of msgs) {
      msg.ack();
      this.#inflight.delete(msg);
    }
    this.#o.metrics.events.inc({ outcome: 'applied' }, msgs.length);
    this.#o.metrics.newCommits.inc(newCommits);
    this.#o.metrics.batchSize.observe(msgs.length);
  }

  /** Carries out the settlement of a failed message: dead letter + term, or nak with backoff. */
  async #fail(msg: JsMsg, err: unknown): Promise<void> {
    const attempts = msg.info.deliveryCount;
    const settlement = settlementOf(err, attempts, this.#o.retry);
    this.#inflight.delete(msg);
    if (settlement.action === 'drop') {
      const { code } = settlement;
      const error = (err as Error)?.message ?? String(err);
      await this.#transient(() => this.#o.deadLetters.write(msg, { code, error, attempts }));
      msg.term(`dead-lettered: ${code}`);
      this.#o.metrics.events.inc({ outcome: 'dead_lettered' });
      return;
    }
    this.#o.logger.warn(
      { err, seq: msg.seq, attempts, delayMs: settlement.delayMs },
      'event failed; redelivery after backoff',
    );
    msg.nak(settlement.delayMs);
    this.#o.metrics.events.inc({ outcome: 'retried' });
    this.#o.metrics.retries.inc({ kind: 'nak' });
  }

  #transient<T>(fn: () => Promise<T>): Promise<T> {
    return retryTransient(fn, {
      signal: this.#abort.signal,
      budgetMs: this.#o.transientBudgetMs,
      isPaused: () => this.#paused,
      onRetry: (err, attempt, delayMs) => {
        this.#o.metrics.retries.inc({ kind: 'transient' });
        const now = Date.now();
        if (attempt === 1) this.#outageStarted ??= now;
        const server = dependencyOf(err);
        // Once when a wait starts (or its server changes), then at most every 5 s: an outage
        // is a few lines, not one per retry.
        if (
          attempt === 1 ||
          server !== this.#waitingFor ||
          now - this.#lastRetryLog >= RETRY_LOG_EVERY_MS
        ) {
          this.#lastRetryLog = now;
          this.#waitingFor = server;
          this.#o.logger.warn(
            {
              server,
              err: (err as Error).message,
              attempt,
              retryInMs: delayMs,
              waitedMs: now - (this.#outageStarted ?? now),
            },
            'dependency unavailable; retrying',
          );
        }
      },
      onSuccessAfterRetry: () => {
        const waitedMs = Date.now() - (this.#outageStarted ?? Date.now());
        const server = this.#waitingFor;
        this.#outageStarted = undefined;
        this.#waitingFor = undefined;
        this.#o.logger.info({ server, waitedMs }, 'dependency answered again; carrying on');
      },
      onPause: () => {
        this.#paused = true;
        this.#prefetcher.paused = true;
        this.#o.metrics.paused.set(1);
        this.#o.logger.error(
          'dependency down longer than the retry budget: processing paused, not ready',
        );
      },
      onResume: () => {
        this.#paused = false;
        this.#prefetcher.paused = false;
        this.#o.metrics.paused.set(0);
        this.#o.logger.info('dependency back: processing resumed');
      },
    });
  }
}
