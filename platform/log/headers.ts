import { headers as newHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { HEADER_CONTROL_CHARS } from '../../schemas/github-headers.ts';
import { DlqHeaders, GithubHeaders, LogHeaders } from '../../schemas/streams.ts';
import { LogEntryRejectedError } from './errors.ts';

/**
 * The headers of a log message and of a dead letter, written and read back here only:
 * the names are in `schemas/streams.ts`, the values (CloudEvents binary mode, the body
 * reference, the dead-letter reason) are built and parsed by this module.
 */

/** What the log headers of one delivery are built from. */
export interface LogHeaderInput {
  readonly event: string;
  readonly deliveryId: string;
  readonly owner: string | undefined;
  readonly repo: string | undefined;
  readonly receivedAt: Date;
  /** GitHub headers to keep, under their stored names (see `GithubHeaders`). */
  readonly githubHeaders: Readonly<Record<string, string>>;
}

/** Where a body above max_payload lives: the object's name and the body's size. */
export interface BodyRef {
  readonly ref: string;
  readonly size: number;
}

/** The log headers read back, with the fallbacks of older messages applied. */
export interface ReadLogHeaders {
  /** X-GitHub-Delivery, else ce-id, else Nats-Msg-Id, else `seq-<seq>`. */
  readonly deliveryId: string;
  /** X-GitHub-Event, else the ce-type without its `com.github.` prefix; undefined when neither. */
  readonly event: string | undefined;
  readonly receivedAt: Date | undefined;
  readonly source: string | undefined;
  readonly body: BodyRef | undefined;
}

/** A dead letter's reason and origin, as its headers carry them. */
export interface DeadLetterFields {
  readonly originalSubject: string;
  readonly streamSeq: number;
  readonly deliveryId: string;
  readonly errorCode: string;
  readonly error: string;
  readonly attempts: number;
  readonly failedAt: string;
}

const CE_TYPE_PREFIX = 'com.github.';
const GITHUB = 'https://github.com';
const MAX_DLQ_ERROR_CHARS = 1000;

/**
 * The CloudEvents `ce-source` of a delivery: a URI-reference with owner and repo
 * percent-encoded, so any name GitHub (or a caller holding the secret) sends gives a
 * valid header value. Names that are not well-formed Unicode cannot be encoded.
 */
export function ceSource(owner: string | undefined, repo: string | undefined): string {
  if (owner === undefined || owner === '') return GITHUB;
  const o = encodeSegment(owner, 'owner');
  if (repo === undefined || repo === '') return `${GITHUB}/${o}`;
  return `${GITHUB}/${o}/${encodeSegment(repo, 'repo')}`;
}

/**
 * The headers of a delivery's log message. Throws {@link LogEntryRejectedError} naming
 * the field when a copied value holds a control character, so a bad value is a 4xx at
 * ingest instead of a publish that throws.
 */
export function writeLogHeaders(entry: LogHeaderInput, body?: BodyRef): MsgHdrs {
  const h = newHeaders();
  for (const [k, v] of Object.entries(entry.githubHeaders)) {
    checkValue(k, v);
    h.set(k, v);
  }
  checkValue('event', entry.event);
  checkValue('deliveryId', entry.deliveryId);
  const time = entry.receivedAt.toISOString();
  h.set(LogHeaders.receivedAt, time);
  h.set(LogHeaders.ceSpecVersion, '1.0');
  h.set(LogHeaders.ceId, entry.deliveryId);
  h.set(LogHeaders.ceType, CE_TYPE_PREFIX + entry.event);
  h.set(LogHeaders.ceSource, ceSource(entry.owner, entry.repo));
  h.set(LogHeaders.ceTime, time);
  h.set(LogHeaders.ceDataContentType, 'application/json');
  if (body) setBodyRef(h, body);
  return h;
}

/** Bytes the headers take on the wire (`NATS/1.0` line, one `Name: value` line each, blank line). */
export function headerBytes(h: MsgHdrs): number {
  let n = 'NATS/1.0\r\n\r\n'.length;
  for (const key of h.keys()) {
    for (const value of h.values(key)) n += Buffer.byteLength(`${key}: ${value}\r\n`);
  }
  return n;
}

/** Marks a log message's body as stored in the object store. */
export function setBodyRef(h: MsgHdrs, body: BodyRef): void {
  h.set(LogHeaders.bodyRef, body.ref);
  h.set(LogHeaders.bodySize, String(body.size));
}

/**
 * The delivery id a log message's headers name: X-GitHub-Delivery, else ce-id, else
 * Nats-Msg-Id; undefined when none does. `get`: a header's value by name, or undefined.
 * For readers holding headers in another form than `MsgHdrs` (`teampulse tail`'s records).
 */
export function headerDeliveryId(get: (name: string) => string | undefined): string | undefined {
  return get(GithubHeaders['x-github-delivery']) ?? get(LogHeaders.ceId) ?? get(LogHeaders.msgId);
}

/** Reads a log message's headers back (any message of the log, old ones included). */
export function readLogHeaders(h: MsgHdrs | undefined, seq: number): ReadLogHeaders {
  const get = (k: string): string | undefined => h?.get(k) || undefined;
  const ceType = get(LogHeaders.ceType);
  const received = get(LogHeaders.receivedAt) ?? get(LogHeaders.ceTime);
  const ref = get(LogHeaders.bodyRef);
  return {
    deliveryId: headerDeliveryId(get) ?? `seq-${seq}`,
    event:
      get(GithubHeaders['x-github-event']) ??
      (ceType?.startsWith(CE_TYPE_PREFIX) ? ceType.slice(CE_TYPE_PREFIX.length) : undefined),
    receivedAt: received === undefined ? undefined : new Date(received),
    source: get(LogHeaders.ceSource),
    body: ref === undefined ? undefined : { ref, size: Number(get(LogHeaders.bodySize) ?? NaN) },
  };
}

/**
 * A dead letter's headers: the original's (so a body in the object store stays
 * reachable) without `Nats-Msg-Id`, which would make the DLQ drop the copy as a duplicate
 * of the delivery, plus the reason. Errors are cut to one line of 1000 characters.
 */
export function writeDeadLetterHeaders(
  original: MsgHdrs | undefined,
  dl: DeadLetterFields,
): MsgHdrs {
  const h = newHeaders();
  for (const key of original?.keys() ?? []) {
    if (key === LogHeaders.msgId) continue;
    for (const value of original!.values(key)) h.append(key, value);
  }
  h.set(DlqHeaders.originalSubject, dl.originalSubject);
  h.set(DlqHeaders.streamSeq, String(dl.streamSeq));
  h.set(DlqHeaders.deliveryId, dl.deliveryId);
  h.set(DlqHeaders.error, oneLine(dl.error));
  h.set(DlqHeaders.errorCode, dl.errorCode);
  h.set(DlqHeaders.attempts, String(dl.attempts));
  h.set(DlqHeaders.failedAt, dl.failedAt);
  return h;
}

/** Reads a dead letter's reason and origin back (missing headers read as empty / NaN). */
export function readDeadLetterHeaders(h: MsgHdrs | undefined): DeadLetterFields {
  const get = (k: string) => h?.get(k) ?? '';
  return {
    originalSubject: get(DlqHeaders.originalSubject),
    streamSeq: Number(get(DlqHeaders.streamSeq)),
    deliveryId: get(DlqHeaders.deliveryId),
    errorCode: get(DlqHeaders.errorCode),
    error: get(DlqHeaders.error),
    attempts: Number(get(DlqHeaders.attempts)),
    failedAt: get(DlqHeaders.failedAt),
  };
}

/** Header values cannot hold line breaks; long errors are cut. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, MAX_DLQ_ERROR_CHARS);
}

function checkValue(field: string, value: string): void {
  if (HEADER_CONTROL_CHARS.test(value))
    throw new LogEntryRejectedError(field, 'holds a control character');
}

function encodeSegment(name: string, field: string): string {
  try {
    return encodeURIComponent(name);
  } catch (err) {
    throw new LogEntryRejectedError(field, 'is not well-formed Unicode', { cause: err });
  }
}
