import { randomUUID } from 'node:crypto';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { auditLeaseKey } from '../../schemas/redis-keys.ts';
import { addDays, dayStart, utcDay } from '../../schemas/utc-day.ts';
import { auditOrg, type AuditDeps, type AuditTally } from './audit-run.ts';
import { daysByOrg, sampleOrgDays, type AuditOrgDay } from './sample.ts';

/** Gives the lease back for `ARGV[2]` ms (the rest of the interval) if this run still holds it. */
const HAND_BACK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;
const HAND_BACK_CMD = 'teampulseAuditHandBack';

export interface AuditorOptions extends AuditDeps {
  readonly targets: { current(): Promise<ReadModelTarget> };
  /** Between runs (and how long the lease keeps other projectors from auditing). */
  readonly intervalMs: number;
  readonly orgDaysPerRun: number;
  /** Days back from today that count as recent (walked round-robin). Default 7. */
  readonly recentDays?: number;
  /** Least time between two reads of the org-day pool. Default 10 intervals. */
  readonly poolRefreshMs?: number;
  /** Told after each run this process made. */
  readonly onRun?: (run: AuditResult) => void;
}

/** One run's figures. */
export interface AuditResult extends AuditTally {
  readonly orgDays: number;
  readonly ms: number;
}

/**
 * The continuous audit: every `intervalMs`, one projector (under a Redis lease kept for
 * the interval, so N projectors still audit once per interval) recomputes a sample of
 * org-days from `commits` and repairs what differs (see {@link auditOrg}). The pool of
 * org-days with commits is read at most every `poolRefreshMs` (one scan of the window's
 * commits, keys only), so a run's reads are bounded by its sample.
 */
export class Auditor {
  readonly #o: AuditorOptions;
  #pool: AuditOrgDay[] = [];
  #poolAt = -Infinity;
  #cursor = 0;
  #wrapped = true;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(opts: AuditorOptions) {
    this.#o = opts;
    if (!(HAND_BACK_CMD in opts.redis))
      opts.redis.defineCommand(HAND_BACK_CMD, { numberOfKeys: 1, lua: HAND_BACK });
  }

  start(): void {
    if (this.#o.intervalMs <= 0 || this.#o.orgDaysPerRun <= 0 || this.#timer) return;
    const tick = () => {
      this.#running = this.runOnce()
        .catch((err: unknown) =>
          this.#o.logger.warn({ err }, 'audit run failed; trying again next interval'),
        )
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(tick, this.#o.intervalMs);
        });
    };
    this.#timer = setTimeout(tick, this.#o.intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One run, if no other projector audited within the interval; undefined otherwise. */
  async runOnce(): Promise<AuditResult | undefined> {
    const { redis, logger } = this.#o;
    const target = await this.#o.targets.current();
    const key = auditLeaseKey(target.redisNamespace, this.#o.db.databaseName);
    const token = randomUUID();
    const holdMs = Math.max(60_000, 2 * this.#o.intervalMs);
    if ((await redis.set(key, token, 'PX', holdMs, 'NX')) !== 'OK') return undefined;
    const started = performance.now();
    const tally: AuditTally = {
      snapshots: { checked: 0, drift: 0, repaired: 0 },
      counters: { checked: 0, drift: 0, repaired: 0 },
      reads: { mongoQueries: 0, mongoDocs: 0, redisCalls: 1 },
      inFlight: 0,
    };
    let orgDays = 0;
    try {
      const today = utcDay(new Date());
      await this.#refreshPool(target, today, tally);
      const sample = sampleOrgDays({
        pool: this.#pool,
        recentFrom: addDays(today, -(this.#o.recentDays ?? 7)),
        n: this.#o.orgDaysPerRun,
        cursor: this.#cursor,
        random: Math.random,
      });
      this.#cursor = sample.cursor;
      this.#wrapped = sample.wrapped;
      orgDays = sample.picked.length;
      for (const [orgId, days] of daysByOrg(sample.picked))
        await auditOrg(this.#o, target, orgId, days, tally);
    } finally {
      await (redis as unknown as Record<string, (...a: unknown[]) => Promise<number>>)[
        HAND_BACK_CMD
      ]!(key, token, Math.max(1, this.#o.intervalMs - 50)).catch(() => undefined);
    }
    const result: AuditResult = { ...tally, orgDays, ms: Math.round(performance.now() - started) };
    logger.debug(result, 'audit run');
    this.#o.onRun?.(result);
    return result;
  }

  /** Reads the org-days with commits in the retention window, when due. */
  async #refreshPool(target: ReadModelTarget, today: string, tally: AuditTally): Promise<void> {
    const due = this.#pool.length === 0 || this.#wrapped;
    if (
      !due ||
      performance.now() - this.#poolAt < (this.#o.poolRefreshMs ?? 10 * this.#o.intervalMs)
    )
      return;
    const from = dayStart(addDays(today, -this.#o.ttlDays));
    const seen = new Set<string>();
    const pool: AuditOrgDay[] = [];
    const cursor = this.#o.db
      .collection<CommitDoc>(target.commits)
      .find(
        { timestamp: { $gte: from } },
        { projection: { _id: 0, orgId: 1, timestamp: 1 }, batchSize: 5000 },
      );
    for await (const row of cursor) {
      tally.reads.mongoDocs++;
      const day = utcDay(row.timestamp);
      const k = `${row.orgId}\u0000${day}`;
      if (seen.has(k)) continue;
      seen.add(k);
      pool.push({ orgId: row.orgId, day });
    }
    tally.reads.mongoQueries++;
    this.#pool = pool;
    this.#poolAt = performance.now();
  }
}
