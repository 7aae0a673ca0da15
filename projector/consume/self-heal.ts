import type { Logger } from '../../platform/logger.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { RedisEpoch } from '../stores/redis-epoch.ts';
import type { SnapshotWriter } from '../stores/snapshot-writer.ts';

export interface SelfHealOptions {
  readonly epoch: Pick<RedisEpoch, 'ensure'>;
  readonly snapshots: Pick<SnapshotWriter, 'drainPending'>;
  /** Age after which a snapshot note is taken as left behind (its owner gave up). */
  readonly pendingGraceMs: number;
  readonly logger: Logger;
  /** Told how many left-behind notes were recomputed. */
  readonly onDrained?: (notes: number) => void;
}

/**
 * The projector's repairs of what a failure elsewhere can leave behind, run by the runner:
 * before each batch, the Redis epoch check (one GET; a rebuild when Redis lost its data),
 * and on a timer, also while idle, the same check plus the snapshots that a batch left due
 * after storing its commits (see `PendingSnapshots`).
 */
export class SelfHeal {
  readonly #o: SelfHealOptions;

  constructor(opts: SelfHealOptions) {
    this.#o = opts;
  }

  beforeBatch(target: ReadModelTarget): Promise<void> {
    return this.#o.epoch.ensure(target);
  }

  async periodic(target: ReadModelTarget): Promise<void> {
    await this.#o.epoch.ensure(target, true);
    const drained = await this.#o.snapshots.drainPending(target, this.#o.pendingGraceMs);
    if (drained > 0) {
      this.#o.logger.warn(
        { notes: drained, target: target.version },
        'recomputed snapshots that failed batches had left due after storing their commits',
      );
      this.#o.onDrained?.(drained);
    }
  }
}
