import { CommitsUpdated } from '../../schemas/updates.ts';
import { roomOfOrgToken } from '../../schemas/rooms.ts';
import { parseUpdatesSubject, type UpdatesSubjectParts } from '../../schemas/subject.ts';
import { TeamPulseError } from '../../platform/errors.ts';
import { updateFrame } from '../ws/frames.ts';

/** An update ready to send: its stream sequence, its room and the frame text. */
export interface DecodedUpdate {
  seq: number;
  room: string;
  orgId: string;
  /** The UTC days whose read models the update changed. */
  days: readonly string[];
  /** The frame as UTF-8, encoded once and sent as a text message to every recipient. */
  frame: Buffer;
  /** The earliest `receivedAt` of its lineage (epoch ms), for the freshness histogram. */
  receivedAtMs?: number | undefined;
}

/** A message on `UPDATES` that is not a valid COMMITS_UPDATED for its subject; it is skipped and counted. */
export class InvalidUpdateError extends TeamPulseError {
  override name = 'InvalidUpdateError';
  constructor(seq: number, message: string, options?: { cause?: unknown }) {
    super('invalid_update', `update #${seq}: ${message}`, options);
  }
}

/**
 * Turns a stream message into a frame. The room comes from the subject (the same subject
 * token resume filters on), and the body must name that same org, so an update can never
 * reach another org's room.
 */
export function decodeUpdate(subject: string, seq: number, body: Uint8Array): DecodedUpdate {
  let parts: UpdatesSubjectParts;
  try {
    parts = parseUpdatesSubject(subject);
  } catch (err) {
    throw new InvalidUpdateError(seq, (err as Error).message, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    throw new InvalidUpdateError(seq, 'body is not JSON', { cause: err });
  }
  const parsed = CommitsUpdated.safeParse(json);
  if (!parsed.success)
    throw new InvalidUpdateError(seq, 'body is not a COMMITS_UPDATED', { cause: parsed.error });
  if (parsed.data.orgId !== parts.orgId) {
    throw new InvalidUpdateError(
      seq,
      `body names org ${parsed.data.orgId} but the subject ${subject}`,
    );
  }
  const room = roomOfOrgToken(parts.orgToken);
  return {
    seq,
    room,
    orgId: parsed.data.orgId,
    days: parsed.data.payload.days,
    frame: Buffer.from(updateFrame(room, seq, parsed.data), 'utf8'),
    receivedAtMs: earliestReceivedAt(parsed.data),
  };
}

/** The earliest delivery receive time an update names (undefined when none does). */
export function earliestReceivedAt(update: CommitsUpdated): number | undefined {
  let min: number | undefined;
  for (const l of update.payload.lineage) {
    if (l.receivedAt === undefined) continue;
    const ms = Date.parse(l.receivedAt);
    if (!Number.isNaN(ms) && (min === undefined || ms < min)) min = ms;
  }
  return min;
}
