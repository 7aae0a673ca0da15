import type { Redis } from 'ioredis';
import { suspectMarkKey } from '../../schemas/redis-keys.ts';

const TTL_S = 7 * 24 * 3600;

/** How a message was being processed when the mark was set. */
export const Mark = {
  /** In a batch: the process died on the batch, not necessarily on this message. */
  batch: 'b',
  /** Alone: the process died on this very message. */
  alone: 's',
} as const;
export type Mark = (typeof Mark)[keyof typeof Mark];

/**
 * In-flight marks that outlive the process. Every message is marked before it is applied
 * and unmarked once it has an outcome, so a mark found on a redelivered message means a
 * process died while applying it. The runner then applies such messages one at a time,
 * those that died alone last: the others get acked before the culprit can kill the
 * process again, and only the culprit runs out of deliveries (the MAX_DELIVERIES advisory
 * then dead-letters it). Cost: one pipelined round trip before and after each batch.
 */
export class SuspectMarkers {
  private readonly redis: Redis;

  constructor(redis: Redis) {
    this.redis = redis;
  }

  /** The marks of these stream sequences (unmarked ones are absent). */
  async marks(streamSeqs: readonly number[]): Promise<Map<number, Mark>> {
    const out = new Map<number, Mark>();
    if (streamSeqs.length === 0) return out;
    const values = await this.redis.mget(streamSeqs.map(suspectMarkKey));
    streamSeqs.forEach((seq, i) => {
      const v = values[i];
      if (v === Mark.batch || v === Mark.alone) out.set(seq, v);
    });
    return out;
  }

  async mark(streamSeqs: readonly number[], mark: Mark): Promise<void> {
    if (streamSeqs.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const seq of streamSeqs) pipeline.set(suspectMarkKey(seq), mark, 'EX', TTL_S);
    await pipeline.exec();
  }

  async clear(streamSeqs: readonly number[]): Promise<void> {
    if (streamSeqs.length === 0) return;
    await this.redis.del(...streamSeqs.map(suspectMarkKey));
  }
}
