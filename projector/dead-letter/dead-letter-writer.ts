import type { NatsConnection } from '@nats-io/nats-core';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from '../../platform/logger.ts';
import {
  oneLine,
  writeDeadLetterHeaders,
  type DeadLetterFields,
} from '../../platform/log/headers.ts';
import type { DeadLetterAlert } from '../../schemas/alerts.ts';
import { Streams, Subjects } from '../../schemas/streams.ts';
import { dlqSubject } from '../../schemas/subject.ts';
import { deliveryIdOf, type LogMessage } from '../batch/decode.ts';

/** Why a message is dead-lettered. */
export interface DeadLetterReason {
  readonly code: string;
  readonly error: string;
  readonly attempts: number;
}

/** What `teampulse.alerts.dlq` carries: the contract's type (`schemas/alerts.ts`). */
export type { DeadLetterAlert } from '../../schemas/alerts.ts';

/**
 * Copies a log message to `dlq.<original subject>` with the original headers (so a body
 * in the object store stays reachable) plus the dead-letter headers, then raises the
 * alert: an error log line, a message on `teampulse.alerts.dlq`, and the callback (a
 * metric). The DLQ message id is the stream sequence, so the runner and the advisory
 * watcher, racing on the same message, store it once.
 */
export class DeadLetterWriter {
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly logger: Logger;
  private readonly onDeadLetter: (code: string) => void;

  constructor(
    nc: NatsConnection,
    js: JetStreamClient,
    logger: Logger,
    onDeadLetter: (code: string) => void = () => undefined,
  ) {
    this.nc = nc;
    this.js = js;
    this.logger = logger;
    this.onDeadLetter = onDeadLetter;
  }

  async write(msg: LogMessage, reason: DeadLetterReason): Promise<number> {
    const deliveryId = deliveryIdOf(msg);
    const error = oneLine(reason.error);
    const failedAt = new Date().toISOString();
    const fields: DeadLetterFields = {
      originalSubject: msg.subject,
      streamSeq: msg.seq,
      deliveryId,
      errorCode: reason.code,
      error,
      attempts: reason.attempts,
      failedAt,
    };
    const ack = await this.js.publish(dlqSubject(msg.subject), msg.data, {
      headers: writeDeadLetterHeaders(msg.headers, fields),
      msgID: `${Streams.github.name}-${msg.seq}`,
    });
    const { failedAt: at, ...rest } = fields;
    const alert: DeadLetterAlert = { type: 'DEAD_LETTER', ...rest, dlqSeq: ack.seq, at };
    if (!ack.duplicate) {
      this.logger.error(alert, 'event dead-lettered');
      this.nc.publish(Subjects.alertsDlq, JSON.stringify(alert));
      this.onDeadLetter(reason.code);
    }
    return ack.seq;
  }
}
