import { JetStreamError, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { Streams } from '../../schemas/streams.ts';
import { updatesOrgFilter } from '../../schemas/subject.ts';
import { TeamPulseError } from '../../platform/errors.ts';
import type { StreamBounds } from './stream-bounds.ts';

/** Part of what a client asked to resume from has already left the stream (retention). */
export class UpdatesEvictedError extends TeamPulseError {
  override name = 'UpdatesEvictedError';
  constructor(position: number, firstSeq: number) {
    super(
      'updates_evicted',
      `the stream starts at #${firstSeq}, after #${position} that a resume needs`,
    );
  }
}

/** An update as stored: what {@link decodeUpdate} needs. */
export interface StoredUpdate {
  subject: string;
  seq: number;
  data: Uint8Array;
}

/** What to read: every update of these orgs with `since < seq <= upTo`. */
export interface MissedQuery {
  /** Org subject tokens (already encoded). */
  orgTokens: readonly string[];
  since: number;
  upTo: number;
  /** Messages per direct-get request. */
  pageSize?: number;
}

interface Cursor {
  filter: string;
  pos: number;
  buf: StoredUpdate[];
  done: boolean;
}

/**
 * Yields, in stream order, the updates of several orgs between two sequences. Each org is
 * read with JetStream direct batch gets on its own subject filter (one page in memory per
 * org; no consumer is created per client) and the orgs are merged by sequence. After every
 * page it checks, with bounds read after the page, that the stream still starts at or
 * before where the page started: otherwise something may have been evicted unseen and
 * {@link UpdatesEvictedError} is thrown, never a silent gap.
 */
export async function* missedUpdates(
  jsm: JetStreamManager,
  bounds: StreamBounds,
  query: MissedQuery,
): AsyncGenerator<StoredUpdate> {
  const pageSize = query.pageSize ?? 256;
  const cursors: Cursor[] = [...new Set(query.orgTokens)].map((org) => ({
    filter: updatesOrgFilter(org),
    pos: query.since + 1,
    buf: [],
    done: query.since >= query.upTo,
  }));
  for (;;) {
    const empty = cursors.filter((c) => c.buf.length === 0 && !c.done);
    if (empty.length > 0) {
      const from = Math.min(...empty.map((c) => c.pos));
      await Promise.all(empty.map((c) => fill(jsm, c, query.upTo, pageSize)));
      const { firstSeq } = await bounds.fresh();
      if (firstSeq > from) throw new UpdatesEvictedError(from, firstSeq);
    }
    let next: Cursor | undefined;
    for (const c of cursors) {
      const head = c.buf[0];
      if (head !== undefined && (next === undefined || head.seq < (next.buf[0]?.seq ?? Infinity)))
        next = c;
    }
    if (next === undefined) return;
    const update = next.buf.shift();
    if (update !== undefined) yield update;
  }
}

async function fill(
  jsm: JetStreamManager,
  c: Cursor,
  upTo: number,
  pageSize: number,
): Promise<void> {
  const got: StoredMsg[] = [];
  try {
    const iter = await jsm.direct.getBatch(Streams.updates.name, {
      seq: c.pos,
      batch: pageSize,
      next_by_subj: c.filter,
    });
    for await (const m of iter) got.push(m);
  } catch (err) {
    // 404: nothing (more) matches the filter from this position.
    if (!(err instanceof JetStreamError && (err as { code?: unknown }).code === 404)) throw err;
  }
  for (const m of got) {
    if (m.seq > upTo) break;
    c.buf.push({ subject: m.subject, seq: m.seq, data: m.data });
  }
  const last = got.at(-1);
  if (got.length < pageSize || last === undefined || last.seq >= upTo) c.done = true;
  else c.pos = last.seq + 1;
}
