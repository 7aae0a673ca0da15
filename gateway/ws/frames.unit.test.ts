import { describe, expect, it } from 'vitest';
import {
  PongFrame,
  ReadyFrame,
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
import { ResyncReason } from './resume.ts';

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
    expect(ResyncFrame.parse(json(resyncFrame('evicted')))).toEqual({ event: 'resync' });
    expect(json(resyncFrame('evicted'))).toEqual({ event: 'resync', reason: 'evicted' });
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
    expect(Object.values(ResyncReason).sort()).toEqual([...ResyncReasons].sort());
  });
});
