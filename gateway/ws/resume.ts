import type { JetStreamManager } from '@nats-io/jetstream';
import { ResyncReason } from '../../schemas/ws-control-frames.ts';
import type { Logger } from '../../platform/logger.ts';
import { orgTokenOfRoom } from '../../schemas/rooms.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { Semaphore } from '../semaphore.ts';
import { decodeUpdate, InvalidUpdateError } from '../updates/decode-update.ts';
import { missedUpdates, UpdatesEvictedError } from '../updates/missed-updates.ts';
import type { StreamBounds } from '../updates/stream-bounds.ts';
import type { Fanout, Socket } from './fanout.ts';
import { readyFrame, resyncFrame } from './frames.ts';
import { Phase } from './socket-state.ts';

/** What a resume needs from the process. */
export interface ResumeContext {
  jsm: JetStreamManager;
  bounds: StreamBounds;
  fanout: Fanout;
  limiter: Semaphore;
  metrics: GatewayMetrics;
  log: Logger;
  maxFrames: number;
  limitBytes: number;
  /** How long a catch-up waits for a full send buffer to drain before closing the socket. */
  drainTimeoutMs: number;
}

/**
 * Catches a resuming socket up, then hands it to live delivery.
 *
 * `upTo` is the fanout's last published sequence when the socket opened: every later
 * update is held for the socket by the {@link Fanout}. So the replay reads `(since, upTo]` from the
 * stream (the offsets are the stream's, so this works after a gateway restart or on
 * another gateway), then {@link Fanout.goLive} sends the held frames newer than the last
 * one replayed and subscribes the socket: no gap and no duplicate at the switch.
 */
export async function resume(
  ctx: ResumeContext,
  ws: Socket,
  since: number,
  upTo: number,
): Promise<void> {
  const state = ws.getUserData();
  ctx.metrics.resumes.inc();
  const release = await ctx.limiter.acquire();
  let delivered = since;
  let resync: ResyncReason | undefined;
  try {
    if (since >= upTo) {
      // Nothing this process has seen is newer; a seq the stream never reached is from another history.
      if (since > upTo && since > (await ctx.bounds.fresh()).lastSeq)
        resync = ResyncReason.unknownSeq;
    } else {
      const orgTokens = [...state.rooms].map((room) => orgTokenOfRoom(room));
      let count = 0;
      for await (const stored of missedUpdates(ctx.jsm, ctx.bounds, { orgTokens, since, upTo })) {
        if (state.phase !== Phase.catchingUp) return;
        let frame: Buffer;
        try {
          frame = decodeUpdate(stored.subject, stored.seq, stored.data).frame;
        } catch (err) {
          if (!(err instanceof InvalidUpdateError)) throw err;
          continue; // counted and logged by the live feed when it passed
        }
        if (++count > ctx.maxFrames) {
          resync = ResyncReason.tooMany;
          break;
        }
        ws.cork(() => ws.send(frame));
        ctx.metrics.framesSent.inc();
        delivered = stored.seq;
        // Replay is paced by the client: a full buffer waits for uWS's drain event.
        if (ws.getBufferedAmount() > ctx.limitBytes && !(await drained(ctx, ws))) return;
      }
    }
  } catch (err) {
    if (err instanceof UpdatesEvictedError) {
      resync = ResyncReason.evicted;
    } else {
      resync = ResyncReason.unavailable;
      ctx.log.warn(
        { err, socket: state.id, since },
        'resume could not read the stream; sending resync',
      );
    }
  } finally {
    release();
  }
  if (state.phase !== Phase.catchingUp) return;
  if (resync !== undefined) {
    ctx.metrics.resyncs.inc({ reason: resync });
    // After a resync the client refetches the dashboard; every held live frame is news to it.
    ctx.fanout.goLive(ws, upTo, [resyncFrame(resync)], [readyFrame([...state.rooms], undefined)]);
  } else {
    ctx.fanout.goLive(ws, delivered, [], [readyFrame([...state.rooms], since)]);
  }
}

/** Waits until the socket's buffer is below half the limit; false (and closed) when it never gets there. */
function drained(ctx: ResumeContext, ws: Socket): Promise<boolean> {
  const state = ws.getUserData();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      state.onDrain = undefined;
      ctx.fanout.closeSlow(ws);
      resolve(false);
    }, ctx.drainTimeoutMs);
    state.onDrain = () => {
      if (state.phase !== Phase.closed && ws.getBufferedAmount() > ctx.limitBytes / 2) return;
      clearTimeout(timer);
      state.onDrain = undefined;
      resolve(state.phase === Phase.catchingUp);
    };
  });
}
