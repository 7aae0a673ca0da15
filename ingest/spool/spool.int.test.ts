import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../platform/log/append.ts';
import { SpoolFullError, SpoolLockedError } from './errors.ts';
import { encodeRecord } from './record.ts';
import { Spool } from './spool.ts';

// The spool on a real file system: order, group commit, torn tails, the cap, the lock.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entry(i: number, bytes = 100): LogEntry {
  return {
    event: 'push',
    deliveryId: `d-${i}`,
    body: Buffer.alloc(bytes, i % 256),
    owner: 'acme',
    repo: 'api',
    receivedAt: new Date(1_700_000_000_000 + i),
    githubHeaders: {},
  };
}

async function drain(spool: Spool): Promise<string[]> {
  const ids: string[] = [];
  for (let r = spool.peek(); r; r = spool.peek()) {
    ids.push((await spool.read(r)).deliveryId);
    await spool.remove(r);
  }
  return ids;
}

const segments = async () => (await readdir(dir)).filter((n) => n.endsWith('.spool')).sort();

describe('spool', () => {
  it('spool - 200 concurrent puts all come back in order after a reopen', async () => {
    const { spool } = await Spool.open(dir, { maxBytes: 1 << 20 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => spool.put(entry(i))));
    expect(spool.stats().records).toBe(200);
    expect(spool.stats().oldestReceivedAtMs).toBe(entry(0).receivedAt.getTime());
    await spool.close();

    const { spool: again, tornBytes } = await Spool.open(dir, { maxBytes: 1 << 20 });
    expect(tornBytes).toBe(0);
    const first = await again.read(again.peek()!);
    expect(first).toEqual(entry(0));
    expect(await drain(again)).toEqual(Array.from({ length: 200 }, (_, i) => `d-${i}`));
    expect(again.isEmpty).toBe(true);
    expect(again.stats()).toEqual({ records: 0, bytes: 0, oldestReceivedAtMs: undefined });
    // A drained segment is deleted.
    expect(await segments()).toEqual([]);
    await again.close();
    // Closed, the lock is gone: a late put must not write into a directory another may own.
    await expect(again.put(entry(1))).rejects.toThrow(
      'could not write the spool: the spool is closed',
    );
  });

  it('spool - segments rotate at their size and each goes once forwarded', async () => {
    const { spool } = await Spool.open(dir, { maxBytes: 1 << 20, segmentBytes: 1000 });
    for (let i = 0; i < 20; i++) await spool.put(entry(i, 300));
    expect((await segments()).length).toBeGreaterThan(3);
    const before = (await segments()).length;
    const r = spool.peek()!;
    await spool.remove(r);
    await spool.remove(spool.peek()!);
    await spool.remove(spool.peek()!);
    expect((await segments()).length).toBe(before - 1);
    expect(await drain(spool)).toEqual(Array.from({ length: 17 }, (_, i) => `d-${i + 3}`));
    await spool.close();
  });

  it('spool - a torn tail record is cut off at open; whole records stay', async () => {
    const { spool } = await Spool.open(dir, { maxBytes: 1 << 20 });
    for (let i = 0; i < 3; i++) await spool.put(entry(i));
    await spool.close();
    const [last] = await segments();
    const path = join(dir, last!);
    const size = (await stat(path)).size;
    const torn = encodeRecord(entry(99)).subarray(0, 50);
    await appendFile(path, torn);

    const { spool: again, tornBytes } = await Spool.open(dir, { maxBytes: 1 << 20 });
    expect(tornBytes).toBe(50);
    expect((await stat(path)).size).toBe(size);
    expect(await drain(again)).toEqual(['d-0', 'd-1', 'd-2']);
    await again.close();
  });

  it('spool - full: a put beyond INGEST_SPOOL_MAX_BYTES is refused, and taken again once drained', async () => {
    const size = encodeRecord(entry(0)).length;
    const { spool } = await Spool.open(dir, { maxBytes: size * 3 });
    await Promise.all([0, 1, 2].map((i) => spool.put(entry(i))));
    await expect(spool.put(entry(3))).rejects.toBeInstanceOf(SpoolFullError);
    await expect(spool.put(entry(3))).rejects.toThrow('the spool is full (INGEST_SPOOL_MAX_BYTES=');
    expect(spool.isFull).toBe(true);
    await spool.remove(spool.peek()!);
    expect(spool.isFull).toBe(false);
    await spool.put(entry(3));
    expect(await drain(spool)).toEqual(['d-1', 'd-2', 'd-3']);
    await spool.close();
  });

  it('spool - one process per directory: a second open is refused, a dead owner’s lock is taken over', async () => {
    const { spool } = await Spool.open(dir, { maxBytes: 1 << 20 });
    await expect(Spool.open(dir, { maxBytes: 1 << 20 })).rejects.toBeInstanceOf(SpoolLockedError);
    await spool.close();

    // A PID that no live process has (above the kernel's pid_max default).
    await writeFile(join(dir, 'LOCK'), '4194999\n');
    const { spool: again } = await Spool.open(dir, { maxBytes: 1 << 20 });
    await again.close();
  });
});
