import type { MsgHdrs } from '@nats-io/nats-core';
import type { ObjectStore } from '@nats-io/obj';
import { readLogHeaders } from '../../platform/log/headers.ts';
import { logBody } from '../../platform/log/read.ts';
import { PushEvent } from '../../schemas/push-event.ts';
import { PoisonMessageError } from '../errors.ts';
import type { PushReceived } from '../projections/push-received.ts';

/** The parts of a log message decoding reads (a consumed JsMsg or a stored message). */
export interface LogMessage {
  readonly subject: string;
  readonly seq: number;
  readonly headers?: MsgHdrs | undefined;
  readonly data: Uint8Array;
}

const MAX_ERROR_CHARS = 2000;

/** The GitHub delivery GUID of a log message (see `readLogHeaders` for the fallbacks). */
export function deliveryIdOf(msg: Pick<LogMessage, 'headers' | 'seq'>): string {
  return readLogHeaders(msg.headers, msg.seq).deliveryId;
}

/**
 * Log message → validated push event: the body (from the object store when it lives
 * there), one JSON.parse, one zod parse. A body that is not JSON or that the schema
 * rejects is a {@link PoisonMessageError} carrying the validation error.
 */
export async function decodePush(
  msg: LogMessage,
  objects: () => Promise<ObjectStore>,
): Promise<PushReceived> {
  const body = await logBody(msg, objects);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    throw new PoisonMessageError(`body is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = PushEvent.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new PoisonMessageError(
      `push payload rejected by the schema: ${issues}`.slice(0, MAX_ERROR_CHARS),
      {
        cause: parsed.error,
      },
    );
  }
  const headers = readLogHeaders(msg.headers, msg.seq);
  return {
    type: 'push',
    streamSeq: msg.seq,
    deliveryId: headers.deliveryId,
    subject: msg.subject,
    ...(headers.receivedAt && !Number.isNaN(headers.receivedAt.getTime())
      ? { receivedAt: headers.receivedAt }
      : {}),
    push: parsed.data,
  };
}
