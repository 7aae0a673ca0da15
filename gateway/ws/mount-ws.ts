import uWS, {
  type HttpRequest,
  type HttpResponse,
  type TemplatedApp,
  type us_socket_context_t,
} from 'uWebSockets.js';
import { orgRoom } from '../../schemas/rooms.ts';
import { CloseCodes } from '../../schemas/ws-frames.ts';
import { Reply } from '../../platform/http/reply.ts';
import { tokenFromRequest } from '../auth/token-from-request.ts';
import type { TokenKeys } from '../auth/token-keys.ts';
import { verifyToken } from '../auth/verify-token.ts';
import { socketOriginAllowed } from '../cors/cors.ts';
import { AuthError } from '../errors.ts';
import { parseClientMessage } from './client-message.ts';
import { Fanout, type Socket } from './fanout.ts';
import { errorFrame, pongFrame, readyFrame, subscribedFrame, unsubscribedFrame } from './frames.ts';
import { resume, type ResumeContext } from './resume.ts';
import { sinceParam } from './since-param.ts';
import { newSocketState, Phase, type SocketState } from './socket-state.ts';

/** What `/ws` needs besides the resume machinery. */
export interface WsContext extends ResumeContext {
  keys: TokenKeys;
  idleTimeoutS: number;
  maxClientMessageBytes: number;
  /** `GATEWAY_CORS_ORIGINS`: other origins whose pages may open `/ws`. */
  corsOrigins: ReadonlySet<string>;
}

/** uWS's idle-timeout granularity is 4 s and it refuses values below 8. */
const MIN_IDLE_TIMEOUT_S = 8;

/**
 * Mounts `/ws`. The token is checked before the upgrade, so a refused client gets an HTTP
 * 401 with a JSON body, never a socket. Accepted sockets join their token's org rooms.
 */
export function mountWs(app: TemplatedApp, ctx: WsContext): void {
  app.ws<SocketState>('/ws', {
    compression: uWS.DISABLED,
    maxPayloadLength: ctx.maxClientMessageBytes,
    idleTimeout: Math.max(MIN_IDLE_TIMEOUT_S, ctx.idleTimeoutS),
    sendPingsAutomatically: true,
    maxBackpressure: Fanout.uwsLimit(ctx.limitBytes),
    // Read as a boolean by uWS (its typings say number): never skip a frame and keep the socket.
    closeOnBackpressureLimit: 1,
    upgrade: (res, req, context) => upgrade(ctx, res, req, context),
    open: (ws) => open(ctx, ws),
    message: (ws, message, isBinary) => onMessage(ctx, ws, message, isBinary),
    drain: (ws) => ws.getUserData().onDrain?.(),
    close: (ws) => {
      ctx.fanout.remove(ws);
      ctx.metrics.connections.dec();
    },
  });
}

function upgrade(
  ctx: WsContext,
  res: HttpResponse,
  req: HttpRequest,
  context: us_socket_context_t,
): void {
  // The request object is only valid during this call: copy what the async part needs.
  const key = req.getHeader('sec-websocket-key');
  const protocols = req.getHeader('sec-websocket-protocol');
  const extensions = req.getHeader('sec-websocket-extensions');
  const authorization = req.getHeader('authorization');
  const query = new URLSearchParams(req.getQuery() ?? '');
  const reply = new Reply(res);
  const origin = req.getHeader('origin');
  // A page of another origin may only use a token here if that origin is configured.
  if (!socketOriginAllowed(origin, req.getHeader('host'), ctx.corsOrigins)) {
    reply.json(403, {
      error: {
        code: 'origin_not_allowed',
        message: `origin ${JSON.stringify(origin)} is not in GATEWAY_CORS_ORIGINS`,
      },
    });
    return;
  }
  verifyToken(ctx.keys, tokenFromRequest(authorization, query))
    .then((principal) => {
      const since = sinceParam(query);
      if (reply.aborted) return;
      const state = newSocketState(principal, [...principal.orgs].map(orgRoom), since);
      // No sub-protocol is defined; echo the first one offered, since browsers fail a
      // handshake whose answer names none of those they offered.
      const protocol = protocols.split(',')[0]?.trim() ?? '';
      reply.done = true;
      res.cork(() => res.upgrade(state, key, protocol, extensions, context));
    })
    .catch((err: unknown) => {
      if (err instanceof AuthError)
        ctx.metrics.authFailures.inc({ reason: err.reason, route: 'ws' });
      reply.error(err);
    });
}

function open(ctx: WsContext, ws: Socket): void {
  const state = ws.getUserData();
  ctx.metrics.connections.inc();
  // Read in the same tick as the socket starts collecting held frames: later updates are held.
  const upTo = ctx.fanout.lastPublishedSeq;
  ctx.fanout.add(ws);
  if (state.phase === Phase.live) {
    ws.send(readyFrame([...state.rooms], undefined));
    return;
  }
  resume(ctx, ws, state.since ?? 0, upTo).catch((err: unknown) => {
    ctx.log.error({ err, socket: state.id }, 'resume failed');
    if (state.phase !== Phase.closed) ws.end(CloseCodes.resumeFailed, 'resume failed');
  });
}

function onMessage(ctx: WsContext, ws: Socket, raw: ArrayBuffer, isBinary: boolean): void {
  const parsed = parseClientMessage(raw, isBinary);
  if (!parsed.ok) {
    ws.send(errorFrame('bad_message', parsed.error));
    return;
  }
  const msg = parsed.message;
  switch (msg.type) {
    case 'ping':
      ws.send(pongFrame());
      return;
    case 'subscribe': {
      if (!ws.getUserData().principal.orgs.has(msg.orgId)) {
        ws.send(
          errorFrame(
            'forbidden_org',
            `the token does not grant access to org ${JSON.stringify(msg.orgId)}`,
          ),
        );
        return;
      }
      const room = orgRoom(msg.orgId);
      ctx.fanout.join(ws, room);
      ws.send(subscribedFrame(room));
      return;
    }
    case 'unsubscribe': {
      const room = orgRoom(msg.orgId);
      ctx.fanout.leave(ws, room);
      ws.send(unsubscribedFrame(room));
      return;
    }
  }
}
