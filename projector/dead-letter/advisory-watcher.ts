import type { Consumer, ConsumerMessages, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { z } from 'zod';
import type { Logger } from '../../platform/logger.ts';
import { Streams } from '../../schemas/streams.ts';
import { classifyError } from '../classify-error.ts';
import { ProjectorErrorCode } from '../errors.ts';
import type { DeadLetterWriter } from './dead-letter-writer.ts';

/** The fields of a JetStream MAX_DELIVERIES advisory we use. */
const MaxDeliveriesAdvisory = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int().nonnegative(),
});

/**
 * Turns MAX_DELIVERIES advisories of the projector's consumer into dead letters. Such a
 * message never reached an outcome in the runner (the process died or hung on each
 * delivery), so the runner never dead-lettered it. The advisories wait in the
 * `ADVISORIES` stream, so one emitted while no projector ran is handled at the next start.
 */
export class AdvisoryWatcher {
  #stopped = false;
  #done: Promise<void> | undefined;
  #current: ConsumerMessages | undefined;

  private readonly consumer: Consumer;
  private readonly jsm: JetStreamManager;
  private readonly writer: DeadLetterWriter;
  private readonly logger: Logger;
  private readonly expiresMs: number;

  constructor(
    consumer: Consumer,
    jsm: JetStreamManager,
    writer: DeadLetterWriter,
    logger: Logger,
    expiresMs: number = 5000,
  ) {
    this.consumer = consumer;
    this.jsm = jsm;
    this.writer = writer;
    this.logger = logger;
    this.expiresMs = expiresMs;
  }

  start(): void {
    this.#done ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#current?.stop();
    await this.#done;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      try {
        const batch = (this.#current = await this.consumer.fetch({
          max_messages: 20,
          expires: this.expiresMs,
        }));
        if (this.#stopped) batch.stop();
        for await (const msg of batch) {
          await this.#handle(msg);
          if (this.#stopped) break;
        }
      } catch (err) {
        if (this.#stopped) break;
        this.logger.warn({ err }, 'advisory fetch failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async #handle(msg: JsMsg): Promise<void> {
    const parsed = MaxDeliveriesAdvisory.safeParse(safeJson(msg.data));
    if (!parsed.success) {
      this.logger.warn({ subject: msg.subject }, 'ignoring an advisory that is not MAX_DELIVERIES');
      msg.term();
      return;
    }
    const { stream, stream_seq: seq, deliveries } = parsed.data;
    try {
      const stored = await this.jsm.streams.getMessage(stream || Streams.github.name, { seq });
      if (!stored) throw new MessageGoneError();
      await this.writer.write(
        { subject: stored.subject, seq: stored.seq, headers: stored.header, data: stored.data },
        {
          code: ProjectorErrorCode.maxDeliveries,
          error: `delivered ${deliveries} times without an outcome: the projector died or hung on every delivery`,
          attempts: deliveries,
        },
      );
      msg.ack();
    } catch (err) {
      if (err instanceof MessageGoneError) {
        this.logger.error(
          { seq },
          'MAX_DELIVERIES for a message no longer in the log; nothing to dead-letter',
        );
        msg.ack();
        return;
      }
      const transient = classifyError(err) === 'transient';
      this.logger.warn(
        { err, seq, transient },
        'could not dead-letter a MAX_DELIVERIES message; will retry',
      );
      msg.nak(transient ? 2000 : 10_000);
    }
  }
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

/** The log no longer has the message (retention, or deleted by hand). */
class MessageGoneError extends Error {
  override name = 'MessageGoneError';
}
