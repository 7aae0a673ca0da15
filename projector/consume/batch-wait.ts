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
  /**
   * Whether the buffer holds a redelivered message. Redeliveries are not counted in
   * `pending` (they come back when their ack wait ends, all at about the same time), so
   * the log cannot say whether more are coming: the take waits its full window for them.
   * That keeps the redeliveries of a batch a process died on in one batch, where the
   * runner orders the suspects (the one it died on alone, last) — taken one at a time,
   * the message that kills the process would come first and take the others down with it.
   */
  readonly redelivered: boolean;
  /** How long this take has waited for the batch to fill. */
  readonly elapsedMs: number;
  /** The most a take waits (`PROJECTOR_BATCH_WAIT_MS`). */
  readonly waitMs: number;
}

/**
 * Whether a take should wait for more messages before processing what it has. Only while
 * more is known (or, for redeliveries, likely) to be coming and the batch is not full,
 * and never past the wait: a consumer that is caught up (nothing pending beyond the
 * buffer) processes at once,
 * instead of lingering for messages that are not there. Under load the batches still
 * fill, since messages arrive while the previous batch is written. Pure.
 */
export function shouldWaitForMore(s: BatchWaitState): boolean {
  return s.buffered < s.max && (s.pending > 0 || s.redelivered) && s.elapsedMs < s.waitMs;
}
