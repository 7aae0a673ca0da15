import { crc32 } from 'node:zlib';
import type { LogEntry } from '../../platform/log/append.ts';

/**
 * One spool record on disk: `magic(4) | length(4) | crc32(4) | payload(length)`, all
 * big-endian. The payload is `metaLength(4) | meta JSON | body`. The magic and the CRC let
 * a reader tell a whole record from a torn one (a crash during the write) or from the
 * zeros a file system may leave after a crash.
 */
export const RECORD_MAGIC = 0x54505331; // "TPS1"
export const FRAME_HEADER_BYTES = 12;
/** Larger than any body ingest accepts (GitHub caps at 25 MB) plus its metadata. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

interface RecordMeta {
  event: string;
  deliveryId: string;
  owner?: string;
  repo?: string;
  receivedAt: string;
  githubHeaders: Record<string, string>;
}

/** Encodes a verified delivery as one framed record. */
export function encodeRecord(entry: LogEntry): Buffer {
  const meta: RecordMeta = {
    event: entry.event,
    deliveryId: entry.deliveryId,
    receivedAt: entry.receivedAt.toISOString(),
    githubHeaders: entry.githubHeaders,
  };
  if (entry.owner !== undefined) meta.owner = entry.owner;
  if (entry.repo !== undefined) meta.repo = entry.repo;
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const payloadLength = 4 + metaBytes.length + entry.body.byteLength;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  frame.writeUInt32BE(RECORD_MAGIC, 0);
  frame.writeUInt32BE(payloadLength, 4);
  frame.writeUInt32BE(metaBytes.length, FRAME_HEADER_BYTES);
  metaBytes.copy(frame, FRAME_HEADER_BYTES + 4);
  frame.set(entry.body, FRAME_HEADER_BYTES + 4 + metaBytes.length);
  frame.writeUInt32BE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 8);
  return frame;
}

/** Decodes a whole frame written by {@link encodeRecord} (already checked by {@link scanRecords}). */
export function decodeRecord(frame: Uint8Array): LogEntry {
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const metaLength = buf.readUInt32BE(FRAME_HEADER_BYTES);
  const metaStart = FRAME_HEADER_BYTES + 4;
  const meta = JSON.parse(buf.toString('utf8', metaStart, metaStart + metaLength)) as RecordMeta;
  return {
    event: meta.event,
    deliveryId: meta.deliveryId,
    owner: meta.owner,
    repo: meta.repo,
    receivedAt: new Date(meta.receivedAt),
    githubHeaders: meta.githubHeaders,
    // A copy: the caller's read buffer may be reused.
    body: Uint8Array.prototype.slice.call(buf, metaStart + metaLength),
  };
}

/** Where one whole record lies in a segment. */
export interface RecordSpan {
  offset: number;
  size: number;
  receivedAtMs: number;
}

export interface ScanResult {
  records: RecordSpan[];
  /** End of the last whole record; anything after it is a torn tail to discard. */
  validEnd: number;
}

/**
 * Finds the whole records at the start of a segment's bytes. Stops at the first frame that
 * is cut short, has a wrong magic, an impossible length or a CRC that does not match: such
 * a frame was never fsynced as a whole, so no 2xx was ever answered for it.
 */
export function scanRecords(data: Uint8Array): ScanResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const records: RecordSpan[] = [];
  let offset = 0;
  while (offset + FRAME_HEADER_BYTES <= buf.length) {
    if (buf.readUInt32BE(offset) !== RECORD_MAGIC) break;
    const length = buf.readUInt32BE(offset + 4);
    if (length < 4 || length > MAX_PAYLOAD_BYTES) break;
    const end = offset + FRAME_HEADER_BYTES + length;
    if (end > buf.length) break;
    const payload = buf.subarray(offset + FRAME_HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32BE(offset + 8)) break;
    const metaLength = payload.readUInt32BE(0);
    if (4 + metaLength > length) break;
    let receivedAtMs: number;
    try {
      const meta = JSON.parse(payload.toString('utf8', 4, 4 + metaLength)) as RecordMeta;
      receivedAtMs = Date.parse(meta.receivedAt);
    } catch {
      break;
    }
    records.push({ offset, size: end - offset, receivedAtMs });
    offset = end;
  }
  return { records, validEnd: offset };
}
