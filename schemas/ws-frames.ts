import { z } from 'zod';
import { CommitsUpdated } from './updates.ts';

/** Server → client frames. */
export const UpdateFrame = z.object({
  event: z.literal('commits:update'),
  room: z.string(),
  seq: z.number().int().positive(),
  data: CommitsUpdated,
});
export type UpdateFrame = z.infer<typeof UpdateFrame>;

export const ResyncFrame = z.object({ event: z.literal('resync'), room: z.string().optional() });
export const ErrorFrame = z.object({
  event: z.literal('error'),
  error: z.object({ code: z.string(), message: z.string() }),
});
export const SubscribedFrame = z.object({ event: z.literal('subscribed'), room: z.string() });

/** Client → server messages. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), orgId: z.string().min(1).max(100) }),
  z.object({ type: z.literal('unsubscribe'), orgId: z.string().min(1).max(100) }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** Close codes the gateway uses. */
export const CloseCodes = {
  /** The client could not keep up: its send buffer went over the limit. */
  slowConsumer: 4008,
  tokenExpired: 4001,
  goingAway: 1001,
} as const;

/** JWT claims a gateway token carries. */
export const TokenClaims = z.object({
  orgs: z.array(z.string().min(1)).min(1),
  sub: z.string().optional(),
});
export type TokenClaims = z.infer<typeof TokenClaims>;
