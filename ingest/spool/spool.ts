import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry } from '../../platform/log/append.ts';
import { SpoolFullError, SpoolWriteError } from './errors.ts';
import { lockDir } from './lock.ts';
import { decodeRecord, encodeRecord, scanRecords, type RecordSpan } from './record.ts';

interface Segment {
  path: string;
  fh: FileHandle;
  size: number;
  /** Records in it not yet forwarded. */
  live: number;
}

/** A durable record waiting to be forwarded. */
export interface SpooledRecord extends RecordSpan {
  readonly segment: Segment;
}

interface Waiting {
  frame: Buffer;
  receivedAtMs: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface SpoolOptions {
  /** Cap on the bytes of records not yet forwarded, pending writes included. */
  maxBytes: number;
  /** A new segment file starts once the current one reaches this size. */
  segmentBytes?: number;
}

export interface SpoolStats {
  records: number;
  bytes: number;
  /** When the oldest record not yet forwarded was received; undefined when empty. */
  oldestReceivedAtMs: number | undefined;
}

const SEGMENT = /^seg-(\d{12})\.spool$/;
const segmentName = (id: number) => `seg-${String(id).padStart(12, '0')}.spool`;

/**
 * A local append-only spool of verified deliveries in segment files (`seg-<n>.spool`).
 * `put` resolves only once its record is fsynced; puts made in the same event-loop turn
 * share one write and one fsync (group commit). Records are read back in the order they
 * were put; a segment is deleted once all its records are forwarded. The directory is
 * locked to one process.
 */
export class Spool {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #release: () => Promise<void>;
  readonly #queue: SpooledRecord[] = [];
  #head = 0;
  #bytes = 0;
  #tail: Segment | undefined;
  #nextId: number;
  #waiting: Waiting[] = [];
  #pendingBytes = 0;
  #flushing: Promise<void> | undefined;
  #flushScheduled = false;
  #onDurable: () => void = () => undefined;
  #refused = false;
  #closed = false;

  private constructor(
    dir: string,
    opts: SpoolOptions,
    release: () => Promise<void>,
    nextId: number,
  ) {
    this.dir = dir;
    this.#maxBytes = opts.maxBytes;
    this.#segmentBytes = opts.segmentBytes ?? 8 * 1024 * 1024;
    this.#release = release;
    this.#nextId = nextId;
  }

  /**
   * Locks `dir` (creating it) and recovers what it holds: whole records are queued in order,
   * a torn tail (a crash mid-write, never acknowledged) is cut off. Resolves to the spool and
   * the number of torn bytes discarded.
   */
  static async open(dir: string, opts: SpoolOptions): Promise<{ spool: Spool; tornBytes: number }> {
    await mkdir(dir, { recursive: true });
    const release = await lockDir(dir);
    try {
      const ids = (await readdir(dir))
        .map((name) => SEGMENT.exec(name)?.[1])
        .filter((id): id is string => id !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      const spool = new Spool(dir, opts, release, (ids.at(-1) ?? 0) + 1);
      let tornBytes = 0;
      for (const id of ids) {
        const path = join(dir, segmentName(id));
        const data = await readFile(path);
        const { records, validEnd } = scanRecords(data);
        if (records.length === 0) {
          await unlink(path);
          tornBytes += data.length;
          continue;
        }
        const fh = await open(path, 'r+');
        if (validEnd < data.length) {
          await fh.truncate(validEnd);
          await fh.sync();
          tornBytes += data.length - validEnd;
        }
        const segment: Segment = { path, fh, size: validEnd, live: records.length };
        for (const r of records) spool.#queue.push({ ...r, segment });
        spool.#bytes += validEnd;
      }
      return { spool, tornBytes };
    } catch (err) {
      await release();
      throw err;
    }
  }

  /** No record waits to be forwarded and none is being written. */
  get isEmpty(): boolean {
    return this.#queue.length === this.#head && this.#waiting.length === 0 && !this.#flushing;
  }

  /** A put was refused at the cap and nothing has left the spool since. */
  get isFull(): boolean {
    return this.#refused;
  }

  stats(): SpoolStats {
    return {
      records: this.#queue.length - this.#head,
      bytes: this.#bytes,
      oldestReceivedAtMs: this.#queue[this.#head]?.receivedAtMs,
    };
  }

  /** Called after each group commit, so a forwarder can start. */
  onDurable(listener: () => void): void {
    this.#onDurable = listener;
  }

  /** Writes the delivery and resolves once it is fsynced. Throws {@link SpoolFullError} at the cap. */
  put(entry: LogEntry): Promise<void> {
    // A request that outlived the stop: the lock is released, another process may own the dir.
    if (this.#closed) return Promise.reject(new SpoolWriteError(new Error('the spool is closed')));
    const frame = encodeRecord(entry);
    if (this.#bytes + this.#pendingBytes + frame.length > this.#maxBytes) {
      this.#refused = true;
      return Promise.reject(new SpoolFullError(this.#maxBytes));
    }
    this.#pendingBytes += frame.length;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ frame, receivedAtMs: entry.receivedAt.getTime(), resolve, reject });
      this.#schedule();
    });
  }

  /** The oldest record not yet forwarded. */
  peek(): SpooledRecord | undefined {
    return this.#queue[this.#head];
  }

  async read(record: SpooledRecord): Promise<LogEntry> {
    const buf = Buffer.allocUnsafe(record.size);
    const { bytesRead } = await record.segment.fh.read(buf, 0, record.size, record.offset);
    if (bytesRead !== record.size) throw new Error(`spool record at ${record.offset} is short`);
    return decodeRecord(buf);
  }

  /** Drops the oldest record, after its PubAck; deletes its segment once nothing in it is left. */
  async remove(record: SpooledRecord): Promise<void> {
    if (this.#queue[this.#head] !== record) throw new Error('spool records leave in order');
    this.#head++;
    this.#bytes -= record.size;
    this.#refused = false;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    const seg = record.segment;
    seg.live--;
    // The tail is kept while a write into it is under way; it goes with its last record.
    if (seg.live > 0 || (seg === this.#tail && (this.#flushing || this.#waiting.length > 0)))
      return;
    if (seg === this.#tail) this.#tail = undefined;
    await seg.fh.close();
    // Left behind by a crash, it would only be forwarded again: the log's dedupe keeps one.
    await unlink(seg.path);
  }

  /** Finishes the write under way, closes the files and releases the lock. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing || this.#waiting.length > 0) await (this.#flushing ?? this.#flush());
    const segments = new Set(this.#queue.slice(this.#head).map((r) => r.segment));
    if (this.#tail) segments.add(this.#tail);
    for (const seg of segments) await seg.fh.close();
    if (this.#tail && this.#tail.live === 0) await unlink(this.#tail.path).catch(() => undefined);
    await this.#release();
  }

  #schedule(): void {
    if (this.#flushScheduled || this.#flushing) return;
    this.#flushScheduled = true;
    // One turn later: every put from this turn's requests joins the same write and fsync.
    setImmediate(() => {
      this.#flushScheduled = false;
      if (!this.#flushing) void this.#flush();
    });
  }

  #flush(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#waiting.length > 0) this.#schedule();
    });
    return this.#flushing;
  }

  async #write(batch: Waiting[]): Promise<void> {
    if (batch.length === 0) return;
    const bytes = batch.reduce((n, w) => n + w.frame.length, 0);
    try {
      const seg = await this.#writableSegment();
      const start = seg.size;
      try {
        await seg.fh.write(
          Buffer.concat(
            batch.map((w) => w.frame),
            bytes,
          ),
          0,
          bytes,
          start,
        );
        await seg.fh.datasync();
      } catch (err) {
        // What reached the disk is unknown: write the next batch to a fresh segment.
        if (this.#tail === seg) this.#tail = undefined;
        if (seg.live === 0) await seg.fh.close().catch(() => undefined);
        throw err;
      }
      let offset = start;
      for (const w of batch) {
        this.#queue.push({
          offset,
          size: w.frame.length,
          receivedAtMs: w.receivedAtMs,
          segment: seg,
        });
        offset += w.frame.length;
      }
      seg.size = offset;
      seg.live += batch.length;
      this.#bytes += bytes;
      this.#pendingBytes -= bytes;
      for (const w of batch) w.resolve();
      this.#onDurable();
    } catch (err) {
      this.#pendingBytes -= bytes;
      const failure = new SpoolWriteError(err);
      for (const w of batch) w.reject(failure);
    }
  }

  async #writableSegment(): Promise<Segment> {
    const old = this.#tail;
    if (old && old.size < this.#segmentBytes) return old;
    if (old && old.live === 0) {
      // Fully forwarded while a write was under way (see remove): nothing in it is needed.
      await old.fh.close();
      await unlink(old.path);
    }
    const path = join(this.dir, segmentName(this.#nextId++));
    const fh = await open(path, 'wx+');
    // The new file's directory entry must be durable too, or a crash could lose the file.
    const dirHandle = await open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
    this.#tail = { path, fh, size: 0, live: 0 };
    return this.#tail;
  }
}
