import { describe, expect, it } from 'vitest';
import {
  PongFrame,
  ReadyFrame,
  ResyncReason,
  ResyncReasons,
  UnsubscribedFrame,
} from '../../schemas/ws-control-frames.ts';
import { ErrorFrame, ResyncFrame, SubscribedFrame } from '../../schemas/ws-frames.ts';
import {
  errorFrame,
  pongFrame,
  readyFrame,
  resyncFrame,
  subscribedFrame,
  unsubscribedFrame,
} from './frames.ts';

const json = (s: string): unknown => JSON.parse(s);

describe('frames', () => {
  it('frames - every control frame the gateway sends matches its schema', () => {
    expect(ReadyFrame.parse(json(readyFrame(['org:acme'], 41)))).toEqual({
      event: 'ready',
      rooms: ['org:acme'],
      resumedAfter: 41,
    });
    expect(json(readyFrame(['org:acme'], undefined))).toEqual({
      event: 'ready',
      rooms: ['org:acme'],
    });
    for (const reason of ResyncReasons) {
      expect(ResyncFrame.parse(json(resyncFrame(reason)))).toEqual({ event: 'resync', reason });
    }
    expect(ResyncFrame.safeParse({ event: 'resync', reason: 'bored' }).success).toBe(false);
    expect(ErrorFrame.parse(json(errorFrame('forbidden_org', 'no')))).toEqual({
      event: 'error',
      error: { code: 'forbidden_org', message: 'no' },
    });
    expect(SubscribedFrame.parse(json(subscribedFrame('org:acme')))).toEqual({
      event: 'subscribed',
      room: 'org:acme',
    });
    expect(UnsubscribedFrame.parse(json(unsubscribedFrame('org:acme')))).toEqual({
      event: 'unsubscribed',
      room: 'org:acme',
    });
    expect(PongFrame.parse(json(pongFrame()))).toEqual({ event: 'pong' });
    // The tuple the schema validates and the names the gateway uses are the same values.
    expect(Object.values(ResyncReason).sort()).toEqual([...ResyncReasons].sort());
  });
});
