import { describe, expect, it } from 'vitest';
import { HttpError } from '../../platform/http/http-error.ts';
import { uwsIsNative } from '../../platform/http/listen.ts';
import { parseClientMessage } from './client-message.ts';
import { sinceParam } from './since-param.ts';

const text = (s: string) => new TextEncoder().encode(s).buffer;

describe('ws parts', () => {
  it('ws parts - the native uWebSockets.js binding is loaded, not the ws fallback', () => {
    expect(uwsIsNative()).toBe(true);
  });

  it('ws parts - client messages: subscribe, unsubscribe, ping; anything else is an error', () => {
    expect(parseClientMessage(text('{"type":"subscribe","orgId":"acme"}'), false)).toEqual({
      ok: true,
      message: { type: 'subscribe', orgId: 'acme' },
    });
    expect(parseClientMessage(text('{"type":"ping"}'), false)).toEqual({
      ok: true,
      message: { type: 'ping' },
    });
    expect(parseClientMessage(text('{"type":"subscribe"}'), false).ok).toBe(false);
    expect(parseClientMessage(text('nope'), false).ok).toBe(false);
    expect(parseClientMessage(text('{"type":"ping"}'), true).ok).toBe(false);
  });

  it('ws parts - since is absent or a non-negative integer', () => {
    expect(sinceParam(new URLSearchParams(''))).toBeUndefined();
    expect(sinceParam(new URLSearchParams('since=0'))).toBe(0);
    expect(sinceParam(new URLSearchParams('since=123'))).toBe(123);
    for (const bad of ['-1', '1.5', 'abc', '99999999999999999']) {
      expect(() => sinceParam(new URLSearchParams(`since=${bad}`))).toThrow(HttpError);
    }
  });
});
