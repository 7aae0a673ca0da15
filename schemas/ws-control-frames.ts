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

/** Why a resume ended in `resync` (the `reason` of a ResyncFrame from the gateway). */
export const ResyncReasons = ['evicted', 'too_many', 'unknown_seq', 'unavailable'] as const;
