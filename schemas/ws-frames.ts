import { z } from 'zod';
import { CommitsUpdated } from './updates.ts';
import { PongFrame, ReadyFrame, ResyncReasons, UnsubscribedFrame } from './ws-control-frames.ts';

/** Server → client frames. */
export const UpdateFrame = z.object({
  event: z.literal('commits:update'),
  room: z.string(),
  seq: z
    .number()
    .int()
    .positive()
    .describe("the update's sequence in UPDATES; resume with ?since=<seq>"),
  data: CommitsUpdated,
});
export type UpdateFrame = z.infer<typeof UpdateFrame>;

/** A resume could not give the client what it missed: refetch the dashboard. */
export const ResyncFrame = z
  .object({ event: z.literal('resync'), reason: z.enum(ResyncReasons) })
  .describe('What the client missed cannot be replayed: refetch the dashboard');
export type ResyncFrame = z.infer<typeof ResyncFrame>;

export const ErrorFrame = z.object({
  event: z.literal('error'),
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export const SubscribedFrame = z.object({ event: z.literal('subscribed'), room: z.string() });
export type SubscribedFrame = z.infer<typeof SubscribedFrame>;

/** Every frame the gateway sends on `/ws`, told apart by `event`. */
export const ServerFrame = z.discriminatedUnion('event', [
  ReadyFrame,
  UpdateFrame,
  ResyncFrame,
  ErrorFrame,
  PongFrame,
  SubscribedFrame,
  UnsubscribedFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

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
  /** A resume failed unexpectedly; reconnect. */
  resumeFailed: 1011,
} as const;
export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** What each close code tells the client (and what it should do). */
export const CloseCodeMeanings: Record<CloseCode, string> = {
  [CloseCodes.slowConsumer]:
    'slow consumer: the send buffer went over GATEWAY_MAX_BACKPRESSURE_BYTES; reconnect with ?since=<last seq>',
  [CloseCodes.tokenExpired]:
    'the token expired; reconnect with a fresh token and ?since=<last seq>',
  [CloseCodes.goingAway]:
    'the gateway is shutting down; reconnect (to another gateway) with ?since=<last seq>',
  [CloseCodes.resumeFailed]: 'the resume failed unexpectedly; reconnect with ?since=<last seq>',
};

/** JWT claims a gateway token carries. */
export const TokenClaims = z.object({
  orgs: z.array(z.string().min(1)).min(1),
  sub: z.string().optional(),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

/** Query of the `/ws` upgrade request. */
export const WsConnectQuery = z
  .object({
    token: z
      .string()
      .min(1)
      .optional()
      .describe('the gateway token, for browsers (others send Authorization: Bearer <token>)'),
    since: z
      .string()
      .regex(/^\d{1,16}$/)
      .optional()
      .describe('resume after this seq (the last frame received): missed frames come first'),
  })
  .describe('Query of the /ws upgrade');
export type WsConnectQuery = z.infer<typeof WsConnectQuery>;
