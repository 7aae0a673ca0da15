import {
  errors,
  nanos,
  nuid,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { TeamPulseError } from '../../platform/errors.ts';
import { logBody } from '../../platform/log/read.ts';
import { BODY_BUCKET } from '../../schemas/streams.ts';
import { TailDeniedError, TailStreamMissingError } from './errors.ts';
import { startForLast } from './last-start.ts';
import type { TailPlan } from './plan.ts';
import { humanLine, toRecord, type TailMessage } from './record.ts';

/** Where a tail prints, and what stops a following tail (Ctrl-C). */
export interface TailIo {
  readonly write: (text: string) => void;
  readonly signal?: AbortSignal;
  /** Called once the consumer (or subscription) exists: "new messages" start from here. */
  readonly onReady?: () => void;
}

/** How long a `--last` probe consumer outlives its one question (the analyst may not delete it). */
const PROBE_INACTIVE_MS = 5_000;

/**
 * Runs a planned tail on a connection: an ordered consumer on the plan's stream (or a
 * plain subscription for alerts), printing each message as it comes. Resolves with the
 * number of messages printed: at the stream's end with `untilEnd`, else when `io.signal`
 * aborts. Server refusals become {@link TailDeniedError} / {@link TailStreamMissingError}.
 */
export async function runTail(nc: NatsConnection, plan: TailPlan, io: TailIo): Promise<number> {
  try {
    if (plan.stream === undefined) return await tailCore(nc, plan, io);
    return await tailStream(nc, plan, plan.stream, io);
  } catch (err) {
    throw explain(err, plan);
  }
}

async function tailStream(
  nc: NatsConnection,
  plan: TailPlan,
  stream: string,
  io: TailIo,
): Promise<number> {
  // checkAPI off: the account-info request it makes is not one an analyst needs.
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const state = (await jsm.streams.info(stream)).state;
  // The end of history is the last sequence now; with untilEnd nothing after it is printed.
  const endSeq = state.last_seq;
  if (plan.untilEnd && (plan.start.kind === 'new' || endSeq === 0)) return 0;

  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, {
    // One filter as a string: nats.js then names it in the create subject
    // ($JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>), the form analysts may use.
    filter_subjects: plan.subject,
    ...(await startOptions(jsm, plan, stream, state.first_seq, endSeq)),
  });
  if (plan.untilEnd && (await consumer.info(true)).num_pending === 0) return 0;

  let objects: Promise<ObjectStore> | undefined;
  const openObjects = (): Promise<ObjectStore> =>
    (objects ??= new Objm(js).open(BODY_BUCKET).catch((err: unknown) => {
      objects = undefined;
      throw err;
    }));
  const messages = await consumer.consume({ max_messages: 256 });
  io.onReady?.();
  const stop = (): void => void messages.stop();
  io.signal?.addEventListener('abort', stop, { once: true });
  let printed = 0;
  try {
    if (io.signal?.aborted) return 0;
    for await (const msg of messages) {
      if (plan.untilEnd && msg.seq > endSeq) break;
      const body = await logBody(msg, openObjects);
      print(plan, io, fromJs(msg, body));
      printed += 1;
      if (plan.untilEnd && (msg.seq >= endSeq || msg.info.pending === 0)) break;
    }
  } finally {
    io.signal?.removeEventListener('abort', stop);
    messages.stop();
  }
  return printed;
}

async function startOptions(
  jsm: JetStreamManager,
  plan: TailPlan,
  stream: string,
  firstSeq: number,
  endSeq: number,
): Promise<Partial<OrderedConsumerOptions>> {
  switch (plan.start.kind) {
    case 'new':
      return { deliver_policy: DeliverPolicy.New };
    case 'time':
      return {
        deliver_policy: DeliverPolicy.StartTime,
        opt_start_time: plan.start.at.toISOString(),
      };
    case 'seq':
      return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: plan.start.seq };
    case 'last': {
      const count = plan.start.count;
      const seq = await startForLast(count, Math.max(firstSeq, 1), endSeq, (from) =>
        pendingFrom(jsm, stream, plan.subject, from),
      );
      return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq };
    }
  }
}

/** How many messages matching `subject` are stored from `seq` on: a consumer's first count. */
async function pendingFrom(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  seq: number,
): Promise<number> {
  const info = await jsm.consumers.add(stream, {
    name: `tail_probe_${nuid.next()}`,
    filter_subject: subject,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: seq,
    ack_policy: AckPolicy.None,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(PROBE_INACTIVE_MS),
  });
  return info.num_pending;
}

async function tailCore(nc: NatsConnection, plan: TailPlan, io: TailIo): Promise<number> {
  const sub = nc.subscribe(plan.subject);
  const stop = (): void => sub.unsubscribe();
  io.signal?.addEventListener('abort', stop, { once: true });
  let printed = 0;
  try {
    // A refused subscription surfaces on the flush's round trip, before any message.
    await nc.flush();
    io.onReady?.();
    if (io.signal?.aborted) return 0;
    for await (const msg of sub) {
      print(plan, io, fromCore(msg));
      printed += 1;
    }
  } finally {
    io.signal?.removeEventListener('abort', stop);
    sub.unsubscribe();
  }
  return printed;
}

function print(plan: TailPlan, io: TailIo, msg: TailMessage): void {
  const record = toRecord(plan.source, msg);
  io.write(
    (plan.output === 'ndjson' ? JSON.stringify(record) : humanLine(plan.source, record)) + '\n',
  );
}

function fromJs(msg: JsMsg, body: Uint8Array): TailMessage {
  return {
    seq: msg.seq,
    time: msg.time,
    subject: msg.subject,
    headers: entries(msg.headers),
    body,
  };
}

function fromCore(msg: Msg): TailMessage {
  return {
    seq: null,
    time: new Date(),
    subject: msg.subject,
    headers: entries(msg.headers),
    body: msg.data,
  };
}

function entries(h: MsgHdrs | undefined): [string, string[]][] {
  if (h === undefined) return [];
  return h.keys().map((k) => [k, h.values(k)]);
}

/** Server answers turned into one line each; anything else stays as it is (a bug). */
function explain(err: unknown, plan: TailPlan): unknown {
  const what = `${plan.stream ?? plan.source} ${plan.subject}`;
  // nats.js wraps a refusal met by a request (e.g. its reply inbox) in a RequestError.
  const inner = err instanceof errors.RequestError && err.cause instanceof Error ? err.cause : err;
  if (inner instanceof errors.PermissionViolationError)
    return new TailDeniedError(`${inner.operation} ${inner.subject} (reading ${what})`, err);
  if (inner instanceof JetStreamApiError) {
    if (inner.code === JetStreamApiCodes.StreamNotFound)
      return new TailStreamMissingError(plan.stream ?? plan.source, err);
    return new TeamPulseError(
      'tail_refused',
      `the server refused reading ${what}: ${inner.message}`,
      {
        cause: err,
      },
    );
  }
  if (
    inner instanceof errors.NoRespondersError ||
    inner instanceof errors.TimeoutError ||
    (inner instanceof errors.RequestError && inner.isNoResponders())
  )
    return new TailDeniedError(
      `no answer from JetStream about ${what} (JetStream off, or not allowed for these credentials)`,
      err,
    );
  if (inner instanceof errors.RequestError)
    return new TeamPulseError('tail_refused', `reading ${what} failed: ${inner.message}`, {
      cause: err,
    });
  return err;
}
