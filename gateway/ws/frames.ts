import type { CommitsUpdated } from '../../schemas/updates.ts';
import type { ResyncReason } from '../../schemas/ws-control-frames.ts';

/**
 * Server → client frames, serialised by hand into strings once per update (not per client):
 * the same string is published to a topic and reaches every subscriber as is.
 */

/** `{ event: 'commits:update', room, seq, data }`. */
export function updateFrame(room: string, seq: number, data: CommitsUpdated): string {
  return `{"event":"commits:update","room":${JSON.stringify(room)},"seq":${seq},"data":${JSON.stringify(data)}}`;
}

/** Tells a resuming client that what it missed is gone: refetch the dashboard. */
export function resyncFrame(reason: ResyncReason): string {
  return JSON.stringify({ event: 'resync', reason });
}

export function errorFrame(code: string, message: string): string {
  return JSON.stringify({ event: 'error', error: { code, message } });
}

export function subscribedFrame(room: string): string {
  return JSON.stringify({ event: 'subscribed', room });
}

export function unsubscribedFrame(room: string): string {
  return JSON.stringify({ event: 'unsubscribed', room });
}

/** Sent once a socket is live: the rooms it is in and the seq it resumed after, if any. */
export function readyFrame(rooms: readonly string[], resumedAfter: number | undefined): string {
  return JSON.stringify({
    event: 'ready',
    rooms,
    ...(resumedAfter === undefined ? {} : { resumedAfter }),
  });
}

export function pongFrame(): string {
  return '{"event":"pong"}';
}
