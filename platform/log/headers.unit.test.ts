import { describe, expect, it } from 'vitest';
import { headers, InvalidArgumentError, InvalidSubjectError } from '@nats-io/nats-core';
import { DlqHeaders, GithubHeaders, LogHeaders } from '../../schemas/streams.ts';
import { classifyAppendError, LogEntryRejectedError } from './errors.ts';
import {
  type LogHeaderInput,
  ceSource,
  headerBytes,
  headerDeliveryId,
  readDeadLetterHeaders,
  readLogHeaders,
  writeDeadLetterHeaders,
  writeLogHeaders,
} from './headers.ts';

const entry: LogHeaderInput = {
  event: 'push',
  deliveryId: 'd-1',
  owner: 'Acme',
  repo: 'socket.io',
  receivedAt: new Date('2026-11-19T10:00:00.000Z'),
  githubHeaders: {
    [GithubHeaders['x-github-delivery']]: 'd-1',
    [GithubHeaders['x-github-event']]: 'push',
  },
};

describe('log headers', () => {
  it('log headers - what is written reads back', () => {
    const h = writeLogHeaders(entry, { ref: 'd-1', size: 42 });
    expect(h.get(LogHeaders.ceType)).toBe('com.github.push');
    expect(readLogHeaders(h, 7)).toEqual({
      deliveryId: 'd-1',
      event: 'push',
      receivedAt: entry.receivedAt,
      source: 'https://github.com/Acme/socket.io',
      body: { ref: 'd-1', size: 42 },
    });
    expect(headerBytes(h)).toBe(
      Buffer.byteLength(
        'NATS/1.0\r\n' +
          h
            .keys()
            .map((k) => `${k}: ${h.get(k)}\r\n`)
            .join('') +
          '\r\n',
      ),
    );
  });

  it('log headers - the delivery id and event fall back for messages without GitHub headers', () => {
    const h = headers();
    h.set(LogHeaders.ceType, 'com.github.ping');
    h.set(LogHeaders.msgId, 'from-msg-id');
    expect(readLogHeaders(h, 3)).toMatchObject({
      deliveryId: 'from-msg-id',
      event: 'ping',
      body: undefined,
    });
    expect(readLogHeaders(undefined, 3)).toMatchObject({ deliveryId: 'seq-3', event: undefined });
  });

  it('log headers - headers held as a plain record give the same delivery id, or none', () => {
    const record: Record<string, string> = { [LogHeaders.ceId]: 'ce-1', [LogHeaders.msgId]: 'm-1' };
    expect(headerDeliveryId((name) => record[name])).toBe('ce-1');
    record[GithubHeaders['x-github-delivery']] = 'gh-1';
    expect(headerDeliveryId((name) => record[name])).toBe('gh-1');
    expect(headerDeliveryId(() => undefined)).toBeUndefined();
  });

  it('log headers - ce-source percent-encodes owner and repo into a URI-reference', () => {
    expect(ceSource(undefined, undefined)).toBe('https://github.com');
    expect(ceSource('acme', undefined)).toBe('https://github.com/acme');
    expect(ceSource('a/b', 'evil\r\nX-Injected: 1')).toBe(
      'https://github.com/a%2Fb/evil%0D%0AX-Injected%3A%201',
    );
    expect(ceSource('ünï', 'c%d')).toBe('https://github.com/%C3%BCn%C3%AF/c%25d');
  });

  it('log headers - a control character or a lone surrogate is refused naming the field', () => {
    const bad = (e: Partial<LogHeaderInput>) => () => writeLogHeaders({ ...entry, ...e });
    expect(bad({ githubHeaders: { 'User-Agent': 'x\u0001y' } })).toThrow(
      new LogEntryRejectedError('User-Agent', 'holds a control character'),
    );
    expect(bad({ repo: 'x\ud800' })).toThrow(/^repo is not well-formed Unicode$/);
    expect(bad({ owner: '\udc00' })).toThrow(/^owner is not/);
    expect(bad({ githubHeaders: { 'User-Agent': 'tab\tis fine' } })).not.toThrow();
  });

  it('dead-letter headers - keep the original ones but Nats-Msg-Id, add the reason, read back', () => {
    const original = writeLogHeaders(entry);
    original.set(LogHeaders.msgId, 'd-1');
    const h = writeDeadLetterHeaders(original, {
      originalSubject: 'github.push.acme.api',
      streamSeq: 12,
      deliveryId: 'd-1',
      errorCode: 'poison',
      error: 'line one\nline two',
      attempts: 3,
      failedAt: '2026-11-19T10:00:01.000Z',
    });
    expect(h.has(LogHeaders.msgId)).toBe(false);
    expect(h.get(LogHeaders.ceSource)).toBe('https://github.com/Acme/socket.io');
    expect(h.get(DlqHeaders.error)).toBe('line one line two');
    expect(readDeadLetterHeaders(h)).toEqual({
      originalSubject: 'github.push.acme.api',
      streamSeq: 12,
      deliveryId: 'd-1',
      errorCode: 'poison',
      error: 'line one line two',
      attempts: 3,
      failedAt: '2026-11-19T10:00:01.000Z',
    });
  });
});

describe('append errors', () => {
  it('append errors - refusals for content name the field; anything else stays "unavailable"', () => {
    const header = InvalidArgumentError.format('header', 'values cannot contain \\r or \\n');
    const size = InvalidArgumentError.format('payload', 'max_payload size exceeded');
    expect(classifyAppendError(header)).toMatchObject({
      name: 'LogEntryRejectedError',
      field: 'header',
    });
    expect(classifyAppendError(size)).toMatchObject({ field: 'size' });
    expect(classifyAppendError(new InvalidSubjectError('a b'))).toMatchObject({ field: 'subject' });
    const down = new Error('connection closed');
    expect(classifyAppendError(down)).toBe(down);
  });
});
