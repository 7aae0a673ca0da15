/** What the batch wait decides on: the buffer, what the log says is still coming, the clock. */
export interface BatchWaitState {
  /** Messages fetched and not yet taken. */
  readonly buffered: number;
  /** The batch size. */
  readonly max: number;
  /**
   * Messages in the log not yet delivered to this consumer, as of the latest one fetched
   * (its `info.pending`): what is known to be coming beyond the buffer.
   */
  readonly pending: number;
  /** How long this take has waited for the batch to fill. */
  readonly elapsedMs: number;
  /** The most a take waits (`PROJECTOR_BATCH_WAIT_MS`). */
  readonly waitMs: number;
}

/**
 * Whether a take should wait for more messages before processing what it has. Only while
 * more is known to be coming and the batch is not full, and never past the wait: a
 * consumer that is caught up (nothing pending beyond the buffer) processes at once,
 * instead of lingering for messages that are not there. Under load the batches still
 * fill, since messages arrive while the previous batch is written. Pure.
 */
export function shouldWaitForMore(s: BatchWaitState): boolean {
  return s.buffered < s.max && s.pending > 0 && s.elapsedMs < s.waitMs;
}
