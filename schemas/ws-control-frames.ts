import { z } from 'zod';

/**
 * Server → client control frames besides those of `ws-frames.ts`: the socket is live
 * (`ready`), an answer to a client `ping`, and the confirmation of an `unsubscribe`.
 */
export const ReadyFrame = z.object({
  event: z.literal('ready'),
  /** Rooms the socket is in. */
  rooms: z.array(z.string()),
  /** Present after a resume: the `since` it resumed after. */
  resumedAfter: z.number().int().nonnegative().optional(),
});
export type ReadyFrame = z.infer<typeof ReadyFrame>;

export const PongFrame = z.object({ event: z.literal('pong') });
export const UnsubscribedFrame = z.object({ event: z.literal('unsubscribed'), room: z.string() });

/** Why a resume ended in `resync`: the `reason` of a `ResyncFrame`, also the gateway's metric label. */
export const ResyncReason = {
  /** What the client missed is no longer in `UPDATES`. */
  evicted: 'evicted',
  /** It missed more than `GATEWAY_MAX_RESUME_FRAMES` frames. */
  tooMany: 'too_many',
  /** `since` is beyond the stream's last sequence: it comes from another history. */
  unknownSeq: 'unknown_seq',
  /** The gateway could not read the stream. */
  unavailable: 'unavailable',
} as const;
export type ResyncReason = (typeof ResyncReason)[keyof typeof ResyncReason];

/** Every {@link ResyncReason}, as a tuple for `z.enum`. */
export const ResyncReasons = [
  ResyncReason.evicted,
  ResyncReason.tooMany,
  ResyncReason.unknownSeq,
  ResyncReason.unavailable,
] as const;
