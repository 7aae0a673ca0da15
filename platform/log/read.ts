import type { MsgHdrs } from '@nats-io/nats-core';
import type { ObjectStore } from '@nats-io/obj';
import { TeamPulseError } from '../errors.ts';
import { readLogHeaders } from './headers.ts';

/** A log message whose body is in the object store but missing there. */
export class MissingBodyError extends TeamPulseError {
  override name = 'MissingBodyError';
  constructor(ref: string) {
    super('body_missing', `body ${ref} is not in the object store`);
  }
}

/**
 * The webhook body of a log message: the message data, or, for a body above max_payload,
 * the object it references.
 */
export async function logBody(
  msg: { headers?: MsgHdrs | undefined; data: Uint8Array },
  objects: () => Promise<ObjectStore>,
): Promise<Uint8Array> {
  const ref = readLogHeaders(msg.headers, 0).body?.ref;
  if (ref === undefined) return msg.data;
  const body = await (await objects()).getBlob(ref);
  if (!body) throw new MissingBodyError(ref);
  return body;
}
