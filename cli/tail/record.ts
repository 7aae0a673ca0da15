import { headerDeliveryId } from '../../platform/log/headers.ts';
import { LogHeaders } from '../../schemas/streams.ts';
import {
  parseAlertsSubject,
  parseGithubSubject,
  parseUpdatesSubject,
} from '../../schemas/subject.ts';
import type { TailSource } from './plan.ts';

/** One message as `--output ndjson` prints it (one JSON object per line). */
export interface TailRecord {
  /** Stream sequence; null for alerts, which no stream keeps. */
  readonly seq: number | null;
  /** When the server stored it (alerts: when it was received). ISO 8601. */
  readonly time: string;
  readonly subject: string;
  /** Decoded subject tokens: `{event, owner, repo}` on github, `{org, repo}` on updates. */
  readonly tokens: Record<string, string>;
  /** Every header; a header sent more than once is an array. */
  readonly headers: Record<string, string | string[]>;
  /** The body parsed as JSON; the whole object-store body when it was too large for a message. */
  readonly body: unknown;
}

/** The parts of a message a record is built from (JsMsg or core Msg, after the body fetch). */
export interface TailMessage {
  readonly seq: number | null;
  readonly time: Date;
  readonly subject: string;
  readonly headers: Iterable<[string, string[]]>;
  readonly body: Uint8Array;
}

/** A message as an NDJSON record. Pure. */
export function toRecord(source: TailSource, msg: TailMessage): TailRecord {
  const headers: Record<string, string | string[]> = {};
  for (const [key, values] of msg.headers) {
    if (values.length === 1) headers[key] = values[0] ?? '';
    else if (values.length > 1) headers[key] = [...values];
  }
  return {
    seq: msg.seq,
    time: msg.time.toISOString(),
    subject: msg.subject,
    tokens: tokensOf(source, msg.subject),
    headers,
    body: parseBody(msg.body),
  };
}

function tokensOf(source: TailSource, subject: string): Record<string, string> {
  try {
    if (source === 'github') {
      const { event, owner, repo } = parseGithubSubject(subject);
      return { event, ...(owner ? { owner } : {}), ...(repo ? { repo } : {}) };
    }
    if (source === 'updates') {
      const { orgId, repoId } = parseUpdatesSubject(subject);
      return { org: orgId, repo: repoId };
    }
    return { kind: parseAlertsSubject(subject) };
  } catch {
    // A subject someone published outside TeamPulse's mapping: no tokens to show.
    return {};
  }
}

function parseBody(body: Uint8Array): unknown {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * One short line per message for people: time, seq, what, where, and a detail
 * (`2026-01-02T15:04:05.000Z #42 push octo/hello-world 7f3e… 3 commits`). Pure.
 */
export function humanLine(source: TailSource, r: TailRecord): string {
  const seq = r.seq === null ? '-' : `#${r.seq}`;
  const body = isObject(r.body) ? r.body : {};
  if (source === 'github') {
    const where = r.tokens.owner ? `${r.tokens.owner}/${r.tokens.repo ?? '~'}` : '~';
    const delivery = headerDeliveryId((name) => first(r.headers[name]) || undefined);
    const detail =
      r.tokens.event === 'push' && Array.isArray(body.commits)
        ? `${body.commits.length} commit${body.commits.length === 1 ? '' : 's'}`
        : typeof body.action === 'string'
          ? body.action
          : '';
    const large = r.headers[LogHeaders.bodyRef] ? ' (large body)' : '';
    return `${r.time} ${seq} ${r.tokens.event ?? r.subject} ${where} ${delivery ?? '-'} ${detail}${large}`.trimEnd();
  }
  if (source === 'updates') {
    const payload = isObject(body.payload) ? body.payload : {};
    const count =
      typeof payload.commitCount === 'number' ? ` commitCount=${payload.commitCount}` : '';
    return `${r.time} ${seq} ${typeof body.type === 'string' ? body.type : 'update'} ${r.tokens.org ?? '?'}/${r.tokens.repo ?? '?'}${count}`;
  }
  return `${r.time} ${seq} ${r.subject} ${JSON.stringify(r.body)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
