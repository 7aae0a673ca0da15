import { describe, expect, it } from 'vitest';
import { updatesSubject } from '../../schemas/subject.ts';
import { UpdateFrame } from '../../schemas/ws-frames.ts';
import { commitsUpdated } from '../testing/updates.ts';
import { decodeUpdate, InvalidUpdateError } from './decode-update.ts';

const body = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));

describe('decode update', () => {
  it('decode update - a COMMITS_UPDATED becomes a commits:update frame for its org room', () => {
    const u = commitsUpdated('acme', '42', 3);
    const d = decodeUpdate(updatesSubject('acme', '42'), 17, body(u));
    expect(d.room).toBe('org:acme');
    expect(d.seq).toBe(17);
    const frame = UpdateFrame.parse(JSON.parse(d.frame.toString('utf8')));
    expect(frame).toEqual({ event: 'commits:update', room: 'org:acme', seq: 17, data: u });
  });

  it('decode update - receivedAtMs is the earliest lineage receivedAt; without one it is undefined; a non-ISO one is an invalid update', () => {
    const u = commitsUpdated('acme', '42', 2, 3);
    u.payload.lineage[0]!.receivedAt = '2026-03-01T10:00:01.500Z';
    u.payload.lineage[2]!.receivedAt = '2026-03-01T10:00:00.250Z';
    expect(decodeUpdate(updatesSubject('acme', '42'), 1, body(u)).receivedAtMs).toBe(
      Date.parse('2026-03-01T10:00:00.250Z'),
    );
    const plain = commitsUpdated('acme', '42', 1);
    expect(decodeUpdate(updatesSubject('acme', '42'), 2, body(plain)).receivedAtMs).toBeUndefined();
    const bad = commitsUpdated('acme', '42', 1);
    (bad.payload.lineage[0] as { receivedAt?: string }).receivedAt = 'yesterday';
    expect(() => decodeUpdate(updatesSubject('acme', '42'), 3, body(bad))).toThrow(
      InvalidUpdateError,
    );
  });

  it('decode update - org ids with dots keep the encoded subject token as room', () => {
    const u = commitsUpdated('socket.io', '1', 1);
    const d = decodeUpdate(updatesSubject('socket.io', '1'), 1, body(u));
    expect(d.room).toBe('org:socket%2Eio');
  });

  it('decode update - a body naming another org than its subject is refused', () => {
    const u = commitsUpdated('globex', '42', 3);
    expect(() => decodeUpdate(updatesSubject('acme', '42'), 5, body(u))).toThrow(
      InvalidUpdateError,
    );
  });

  it('decode update - non-JSON, wrong shape and foreign subjects are refused', () => {
    expect(() =>
      decodeUpdate('teampulse.updates.acme.42', 1, new TextEncoder().encode('{')),
    ).toThrow(InvalidUpdateError);
    expect(() => decodeUpdate('teampulse.updates.acme.42', 1, body({ type: 'OTHER' }))).toThrow(
      InvalidUpdateError,
    );
    expect(() =>
      decodeUpdate('github.push.acme.web', 1, body(commitsUpdated('acme', '1', 1))),
    ).toThrow(InvalidUpdateError);
  });
});
