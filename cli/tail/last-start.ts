/**
 * The first sequence from which exactly the last `count` messages matching a filter remain
 * (just after the match before them), given
 * `pendingFrom(seq)`: how many matching messages are stored at or after `seq`. JetStream
 * can start a consumer at a sequence or a time, but not "n messages before the end" of a
 * filtered subject, so this finds that sequence by bisection over [first, last]: about
 * log2(last - first) counts, each one consumer creation on the server.
 *
 * Returns `first` when fewer than `count` messages match. `pendingFrom` must not grow as
 * `seq` grows (messages appended meanwhile only make the answer a little later).
 */
export async function startForLast(
  count: number,
  first: number,
  last: number,
  pendingFrom: (seq: number) => Promise<number>,
): Promise<number> {
  if (last < first) return first;
  if ((await pendingFrom(first)) <= count) return first;
  // Invariant: pendingFrom(lo) > count, pendingFrom(hi) <= count.
  let lo = first;
  let hi = last + 1;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if ((await pendingFrom(mid)) > count) lo = mid;
    else hi = mid;
  }
  return hi;
}
