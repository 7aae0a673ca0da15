import { Streams, Subjects } from '../../schemas/streams.ts';
import { githubFilter, SubjectRoots, updatesFilter } from '../../schemas/subject.ts';
import { TailInputError } from './errors.ts';

/** What `teampulse tail` can read: a stream of the log, or the (unstored) alerts. */
export const TailSources = {
  github: { stream: Streams.github.name, prefix: SubjectRoots.github },
  updates: { stream: Streams.updates.name, prefix: SubjectRoots.updates },
  alerts: { stream: undefined, prefix: SubjectRoots.alerts },
} as const;
export type TailSource = keyof typeof TailSources;

export const TailOutputs = ['human', 'ndjson'] as const;
export type TailOutput = (typeof TailOutputs)[number];

/** Where reading starts. */
export type TailStart =
  | { readonly kind: 'new' }
  | { readonly kind: 'time'; readonly at: Date }
  | { readonly kind: 'seq'; readonly seq: number }
  | { readonly kind: 'last'; readonly count: number };

/** The options as typed (commander's values, unvalidated beyond their own parsers). */
export interface TailOptions {
  readonly source?: string | undefined;
  readonly event?: string | undefined;
  readonly org?: string | undefined;
  readonly repo?: string | undefined;
  readonly subject?: string | undefined;
  readonly since?: string | undefined;
  readonly fromSeq?: number | undefined;
  readonly last?: number | undefined;
  readonly untilEnd?: boolean | undefined;
  readonly output?: string | undefined;
}

/** A validated tail: which stream (none for alerts), which subject, where to start and stop. */
export interface TailPlan {
  readonly source: TailSource;
  readonly stream: string | undefined;
  readonly subject: string;
  readonly start: TailStart;
  readonly untilEnd: boolean;
  readonly output: TailOutput;
}

/** Turns the typed options into a plan, or throws a {@link TailInputError} naming the problem. Pure. */
export function planTail(o: TailOptions, now: Date = new Date()): TailPlan {
  const output = o.output ?? 'human';
  if (!(TailOutputs as readonly string[]).includes(output))
    throw new TailInputError(`--output must be one of ${TailOutputs.join(', ')}, got "${output}"`);
  const { source, subject } = o.subject !== undefined ? rawSubject(o) : filteredSubject(o);
  const start = startOf(o, now);
  const untilEnd = o.untilEnd ?? false;
  if (source === 'alerts' && (start.kind !== 'new' || untilEnd)) {
    throw new TailInputError(
      'alerts are not stored in a stream: tail them live, without --since, --from-seq, --last or --until-end',
    );
  }
  return {
    source,
    stream: TailSources[source].stream,
    subject,
    start,
    untilEnd,
    output: output as TailOutput,
  };
}

function filteredSubject(o: TailOptions): { source: TailSource; subject: string } {
  const source = o.source ?? 'github';
  if (!(source in TailSources))
    throw new TailInputError(
      `--stream must be one of ${Object.keys(TailSources).join(', ')}, got "${source}"`,
    );
  let org = nonEmpty(o.org, '--org');
  let repo = nonEmpty(o.repo, '--repo');
  const event = nonEmpty(o.event, '--event');
  // `--repo owner/name` names both, as GitHub writes it.
  if (repo?.includes('/')) {
    const [owner, name, ...rest] = repo.split('/');
    if (!owner || !name || rest.length > 0)
      throw new TailInputError(`--repo must be a name or owner/name, got "${repo}"`);
    if (org !== undefined && org.toLowerCase() !== owner.toLowerCase())
      throw new TailInputError(`--org "${org}" and --repo "${repo}" name different owners`);
    org = owner;
    repo = name;
  }
  switch (source as TailSource) {
    case 'github':
      return {
        source: 'github',
        subject: githubFilter({
          ...(event ? { event } : {}),
          ...(org ? { owner: org } : {}),
          ...(repo ? { repo } : {}),
        }),
      };
    case 'updates':
      if (event !== undefined)
        throw new TailInputError('--event filters the github stream only; updates have no event');
      // Updates are keyed by org id and repository id (teampulse.updates.<orgId>.<repoId>).
      return {
        source: 'updates',
        subject: updatesFilter({
          ...(org ? { orgId: org.toLowerCase() } : {}),
          ...(repo ? { repoId: repo } : {}),
        }),
      };
    case 'alerts':
      if (event !== undefined || org !== undefined || repo !== undefined)
        throw new TailInputError('alerts take no --event, --org or --repo; use --subject');
      return { source: 'alerts', subject: Subjects.alertsAll };
  }
}

function rawSubject(o: TailOptions): { source: TailSource; subject: string } {
  if (
    o.event !== undefined ||
    o.org !== undefined ||
    o.repo !== undefined ||
    o.source !== undefined
  )
    throw new TailInputError('--subject cannot go with --stream, --event, --org or --repo');
  const subject = o.subject ?? '';
  checkSubject(subject);
  for (const [source, { prefix }] of Object.entries(TailSources) as [
    TailSource,
    { prefix: string },
  ][]) {
    const head = prefix.split('.');
    const tokens = subject.split('.');
    // The subject must lie inside the source: its leading tokens equal the prefix's, or
    // a `>` standing for the rest of them would reach other subjects too.
    if (tokens.length > head.length && head.every((t, i) => tokens[i] === t))
      return { source, subject };
  }
  throw new TailInputError(
    `unknown subject "${subject}": expected github.<event>.<owner>.<repo>, teampulse.updates.<org>.<repo> or teampulse.alerts.> (wildcards * and > allowed)`,
  );
}

/** A NATS subject filter: non-empty tokens, no whitespace, `>` only as the last token. */
function checkSubject(subject: string): void {
  const tokens = subject.split('.');
  const bad =
    subject.length === 0 ||
    /\s/u.test(subject) ||
    tokens.some(
      (t, i) =>
        t.length === 0 ||
        (t.includes('>') && (t !== '>' || i !== tokens.length - 1)) ||
        (t.includes('*') && t !== '*'),
    );
  if (bad)
    throw new TailInputError(
      `bad subject "${subject}": tokens are separated by ".", must not be empty or hold whitespace; "*" and ">" stand alone, ">" only last`,
    );
}

function nonEmpty(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim().length === 0) throw new TailInputError(`${name} must not be empty`);
  return value;
}

function startOf(o: TailOptions, now: Date): TailStart {
  const given = [
    o.since !== undefined && '--since',
    o.fromSeq !== undefined && '--from-seq',
    o.last !== undefined && '--last',
  ].filter((x): x is string => x !== false);
  if (given.length > 1) throw new TailInputError(`${given.join(' and ')} cannot go together`);
  if (o.since !== undefined) return { kind: 'time', at: parseSince(o.since, now) };
  if (o.fromSeq !== undefined) return { kind: 'seq', seq: o.fromSeq };
  if (o.last !== undefined) return { kind: 'last', count: o.last };
  return { kind: 'new' };
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `--since`: an ISO time (`2026-01-02`, `2026-01-02T15:04:05Z`) or a duration back from
 * `now` (`90s`, `15m`, `1h`, `1h30m`, `7d`). Pure; throws a {@link TailInputError}.
 */
export function parseSince(value: string, now: Date): Date {
  const text = value.trim();
  if (/^(\d+(ms|s|m|h|d))+$/u.test(text)) {
    let ms = 0;
    for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/gu))
      ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
    return new Date(now.getTime() - ms);
  }
  // Only ISO-looking times: Date.parse also takes "March 7" and such, read in local time.
  const at = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/u.test(
    text,
  )
    ? new Date(text)
    : undefined;
  if (at === undefined || Number.isNaN(at.getTime()))
    throw new TailInputError(
      `--since must be an ISO time (2026-01-02T15:04:05Z) or a duration like 30m, 1h, 7d; got "${value}"`,
    );
  if (at.getTime() > now.getTime()) throw new TailInputError(`--since ${value} is in the future`);
  return at;
}
