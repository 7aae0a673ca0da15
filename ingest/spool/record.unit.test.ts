import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../platform/log/append.ts';
import { decodeRecord, encodeRecord, FRAME_HEADER_BYTES, scanRecords } from './record.ts';

function entry(i: number, extra: Partial<LogEntry> = {}): LogEntry {
  return {
    event: 'push',
    deliveryId: `d-${i}`,
    body: Buffer.from(JSON.stringify({ i, text: 'héllo ✓' })),
    owner: 'acme',
    repo: 'api',
    receivedAt: new Date(Date.UTC(2026, 10, 30, 0, 0, i)),
    githubHeaders: { 'X-GitHub-Hook-ID': '292' },
    ...extra,
  };
}

describe('spool record', () => {
  it('spool record - decode gives back every field byte-exact', () => {
    const e = entry(1);
    expect(decodeRecord(encodeRecord(e))).toEqual(e);
  });

  it('spool record - absent owner and repo stay absent; an empty body survives', () => {
    const e = entry(2, { owner: undefined, repo: undefined, body: new Uint8Array(0) });
    const back = decodeRecord(encodeRecord(e));
    expect(back.owner).toBeUndefined();
    expect(back.repo).toBeUndefined();
    expect(back.body.byteLength).toBe(0);
  });

  it('spool record - scan finds whole records in order with their offsets and times', () => {
    const frames = [1, 2, 3].map((i) => encodeRecord(entry(i)));
    const { records, validEnd } = scanRecords(Buffer.concat(frames));
    expect(records.map((r) => r.size)).toEqual(frames.map((f) => f.length));
    expect(records.map((r) => r.offset)).toEqual([
      0,
      frames[0]!.length,
      frames[0]!.length + frames[1]!.length,
    ]);
    expect(records.map((r) => r.receivedAtMs)).toEqual(
      [1, 2, 3].map((i) => entry(i).receivedAt.getTime()),
    );
    expect(validEnd).toBe(frames.reduce((n, f) => n + f.length, 0));
  });

  it('spool record - a torn tail (cut at any byte) is left out', () => {
    const whole = encodeRecord(entry(1));
    const last = encodeRecord(entry(2));
    for (const cut of [1, FRAME_HEADER_BYTES - 1, FRAME_HEADER_BYTES, last.length - 1]) {
      const data = Buffer.concat([whole, last.subarray(0, cut)]);
      const { records, validEnd } = scanRecords(data);
      expect(records).toHaveLength(1);
      expect(validEnd).toBe(whole.length);
    }
  });

  it('spool record - a flipped bit in the payload fails the CRC and ends the scan there', () => {
    const a = encodeRecord(entry(1));
    const b = encodeRecord(entry(2));
    b[b.length - 3]! ^= 0x01;
    const { records, validEnd } = scanRecords(Buffer.concat([a, b, encodeRecord(entry(3))]));
    expect(records).toHaveLength(1);
    expect(validEnd).toBe(a.length);
  });

  it('spool record - zeros after a crash are not a record', () => {
    const a = encodeRecord(entry(1));
    const { records, validEnd } = scanRecords(Buffer.concat([a, Buffer.alloc(4096)]));
    expect(records).toHaveLength(1);
    expect(validEnd).toBe(a.length);
  });

  it('spool record - an empty segment has no records', () => {
    expect(scanRecords(new Uint8Array(0))).toEqual({ records: [], validEnd: 0 });
  });
});
