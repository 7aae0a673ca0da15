import { createHash } from 'node:crypto';

/**
 * The delivery id of a backfilled push: a UUID-shaped digest of (repoId, first sha, last
 * sha). Deterministic, so a second backfill of the same history appends the same ids and
 * the log's dedupe (`Nats-Msg-Id`) drops them. Pure.
 */
export function backfillDeliveryId(repoId: number, firstSha: string, lastSha: string): string {
  const hex = createHash('sha256')
    .update(`teampulse-backfill:${repoId}:${firstSha}:${lastSha}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
