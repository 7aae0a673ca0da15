import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import { BODY_BUCKET } from '../../schemas/streams.ts';
import { githubSubject, MAX_SUBJECT_BYTES } from '../../schemas/subject.ts';
import { classifyAppendError, LogEntryRejectedError } from './errors.ts';
import { headerBytes, setBodyRef, writeLogHeaders } from './headers.ts';

/** One verified GitHub delivery, ready to be appended to the log. */
export interface LogEntry {
  event: string;
  deliveryId: string;
  /** The body exactly as received. */
  body: Uint8Array;
  owner: string | undefined;
  repo: string | undefined;
  receivedAt: Date;
  /** GitHub headers to keep, under their stored names (see `GithubHeaders`). */
  githubHeaders: Record<string, string>;
}

export interface AppendResult {
  subject: string;
  seq: number;
  duplicate: boolean;
  /** True when the body went to the object store because it exceeds max_payload. */
  external: boolean;
}

/** Room left under max_payload for headers and protocol overhead. */
const HEADER_ROOM = 8 * 1024;
/** Beyond the headers' own size: the body reference headers, added once the body is external. */
const BODY_REF_ROOM = 512;
/** nats-server's default max_payload (1 MiB), for a connection that has not seen its server's. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * Appends verified deliveries to the `GITHUB` stream: subject by event/owner/repo, the
 * delivery GUID as `Nats-Msg-Id` (exactly-once inside the dedupe window), CloudEvents
 * binary-mode headers. A body too large for one message is stored whole in the object
 * store first and referenced from the stream message, so nothing is truncated or dropped.
 */
export class LogAppender {
  readonly #js: JetStreamClient;
  readonly #nc: NatsConnection;
  readonly #timeoutMs: number;
  #objects: Promise<ObjectStore> | undefined;
  #pending: (() => Promise<void>)[] = [];
  /** The server's max_payload as last seen: `nc.info` is undefined while reconnecting. */
  #maxPayload: number;

  constructor(nc: NatsConnection, opts: { timeoutMs: number }) {
    this.#nc = nc;
    this.#maxPayload = nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    this.#js = jetstream(nc, { timeout: opts.timeoutMs });
    this.#timeoutMs = opts.timeoutMs;
  }

  /**
   * Appends one delivery. Throws {@link LogEntryRejectedError} (naming the field) when the
   * log refuses the message for its content; any other error means the log is unavailable.
   */
  async append(entry: LogEntry): Promise<AppendResult> {
    try {
      return await this.#append(entry);
    } catch (err) {
      throw classifyAppendError(err);
    }
  }

  async #append(entry: LogEntry): Promise<AppendResult> {
    const subject = githubSubject(entry.event, entry.owner, entry.repo);
    // A control line above the server's max_control_line would close the connection for everyone.
    const subjectBytes = Buffer.byteLength(subject);
    if (subjectBytes > MAX_SUBJECT_BYTES) {
      throw new LogEntryRejectedError(
        'subject',
        `is ${subjectBytes} bytes from the owner and repository names, above ${MAX_SUBJECT_BYTES}`,
      );
    }
    const h = writeLogHeaders(entry);
    const room = Math.max(HEADER_ROOM, headerBytes(h) + BODY_REF_ROOM);
    let data = entry.body;
    this.#maxPayload = this.#nc.info?.max_payload ?? this.#maxPayload;
    const external = entry.body.byteLength + room > this.#maxPayload;
    if (external) {
      const store = await this.#objectStore();
      await store.putBlob({ name: entry.deliveryId }, entry.body, { timeout: this.#timeoutMs });
      setBodyRef(h, { ref: entry.deliveryId, size: entry.body.byteLength });
      data = new Uint8Array(0);
    }
    const ack = await this.#batched(() =>
      this.#js.publish(subject, data, {
        msgID: entry.deliveryId,
        headers: h,
        timeout: this.#timeoutMs,
      }),
    );
    return { subject, seq: ack.seq, duplicate: ack.duplicate, external };
  }

  /**
   * Runs publishes that arrive in the same event-loop turn together. Each uWS request
   * callback drains its own microtasks, so without this every publish would be flushed to
   * the socket alone; batched, one write carries them all.
   */
  #batched<T>(publish: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push(() => publish().then(resolve, reject));
      if (this.#pending.length === 1) {
        setImmediate(() => {
          const batch = this.#pending;
          this.#pending = [];
          for (const run of batch) void run();
        });
      }
    });
  }

  #objectStore(): Promise<ObjectStore> {
    this.#objects ??= openBodyStore(this.#js).catch((err: unknown) => {
      this.#objects = undefined;
      throw err;
    });
    return this.#objects;
  }
}

/** Opens (creating if needed) the bucket that holds bodies above max_payload. */
export function openBodyStore(js: JetStreamClient): Promise<ObjectStore> {
  return new Objm(js).create(BODY_BUCKET, { storage: StorageType.File });
}
