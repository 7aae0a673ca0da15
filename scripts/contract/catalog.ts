import type { z } from 'zod';
import { DeadLetterAlert } from '../../schemas/alerts.ts';
import { Dashboard, DashboardQuery } from '../../schemas/dashboard.ts';
import { WebhookRequestHeaders } from '../../schemas/github-headers.ts';
import {
  ErrorBody,
  HealthBody,
  IngestAccepted,
  IngestSpooled,
  ReadinessBody,
} from '../../schemas/http.ts';
import {
  DeadLetterHeaders,
  LogMessageHeaders,
  UpdateHeaders,
} from '../../schemas/message-headers.ts';
import { PushEvent, RoutableEvent } from '../../schemas/push-event.ts';
import { CommitsUpdated } from '../../schemas/updates.ts';
import { PongFrame, ReadyFrame, UnsubscribedFrame } from '../../schemas/ws-control-frames.ts';
import {
  ClientMessage,
  ErrorFrame,
  ResyncFrame,
  ServerFrame,
  SubscribedFrame,
  TokenClaims,
  UpdateFrame,
  WsConnectQuery,
} from '../../schemas/ws-frames.ts';

/** One schema of the contract. */
export interface ContractSchema {
  schema: z.ZodType;
  /** `input`: TeamPulse reads it (defaults optional, unknown keys allowed); `output`: TeamPulse writes it. */
  io: 'input' | 'output';
  /** The module that defines it, named in the generated files. */
  source: string;
}

const entry = (schema: z.ZodType, io: 'input' | 'output', source: string): ContractSchema => ({
  schema,
  io,
  source: `schemas/${source}`,
});

/**
 * Every schema that crosses a process boundary, by its contract name. Names sort the
 * generated files, so the output does not depend on this order.
 */
export const CONTRACT_SCHEMAS = {
  GithubEvent: entry(RoutableEvent, 'input', 'push-event.ts'),
  GithubPushEvent: entry(PushEvent, 'input', 'push-event.ts'),
  WebhookRequestHeaders: entry(WebhookRequestHeaders, 'input', 'github-headers.ts'),
  LogMessageHeaders: entry(LogMessageHeaders, 'output', 'message-headers.ts'),
  DeadLetterHeaders: entry(DeadLetterHeaders, 'output', 'message-headers.ts'),
  UpdateHeaders: entry(UpdateHeaders, 'output', 'message-headers.ts'),
  CommitsUpdated: entry(CommitsUpdated, 'output', 'updates.ts'),
  DeadLetterAlert: entry(DeadLetterAlert, 'output', 'alerts.ts'),
  IngestAccepted: entry(IngestAccepted, 'output', 'http.ts'),
  IngestSpooled: entry(IngestSpooled, 'output', 'http.ts'),
  ErrorBody: entry(ErrorBody, 'output', 'http.ts'),
  HealthBody: entry(HealthBody, 'output', 'http.ts'),
  ReadinessBody: entry(ReadinessBody, 'output', 'http.ts'),
  DashboardQuery: entry(DashboardQuery, 'input', 'dashboard.ts'),
  Dashboard: entry(Dashboard, 'output', 'dashboard.ts'),
  TokenClaims: entry(TokenClaims, 'input', 'ws-frames.ts'),
  WsConnectQuery: entry(WsConnectQuery, 'input', 'ws-frames.ts'),
  ClientMessage: entry(ClientMessage, 'input', 'ws-frames.ts'),
  ServerFrame: entry(ServerFrame, 'output', 'ws-frames.ts'),
  ReadyFrame: entry(ReadyFrame, 'output', 'ws-control-frames.ts'),
  UpdateFrame: entry(UpdateFrame, 'output', 'ws-frames.ts'),
  ResyncFrame: entry(ResyncFrame, 'output', 'ws-frames.ts'),
  ErrorFrame: entry(ErrorFrame, 'output', 'ws-frames.ts'),
  PongFrame: entry(PongFrame, 'output', 'ws-control-frames.ts'),
  SubscribedFrame: entry(SubscribedFrame, 'output', 'ws-frames.ts'),
  UnsubscribedFrame: entry(UnsubscribedFrame, 'output', 'ws-control-frames.ts'),
} as const satisfies Record<string, ContractSchema>;

export type ContractName = keyof typeof CONTRACT_SCHEMAS;

/** Contract names in a stable order. */
export const CONTRACT_NAMES = (Object.keys(CONTRACT_SCHEMAS) as ContractName[]).sort();
