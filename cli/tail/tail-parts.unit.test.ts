import { describe, expect, it } from 'vitest';
import { TailInputError } from './errors.ts';
import { startForLast } from './last-start.ts';
import { parseSince, planTail, type TailOptions } from './plan.ts';
import { humanLine, toRecord } from './record.ts';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const plan = (o: TailOptions) => planTail(o, NOW);
const refused = (o: TailOptions) => {
  try {
    plan(o);
  } catch (err) {
    expect(err).toBeInstanceOf(TailInputError);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('tail plan - subjects', () => {
  it('builds the log filter from --event/--org/--repo, lower-cased and percent-encoded', () => {
    expect(plan({}).subject).toBe('github.*.*.*');
    expect(plan({ event: 'push', org: 'Octo' }).subject).toBe('github.push.octo.*');
    expect(plan({ org: 'octo', repo: 'Socket.IO' }).subject).toBe('github.*.octo.socket%2Eio');
    expect(plan({ repo: 'Octo/hello world' }).subject).toBe('github.*.octo.hello%20world');
    expect(plan({ repo: 'hello' }).subject).toBe('github.*.*.hello');
    expect(plan({}).stream).toBe('GITHUB');
  });

  it('builds updates and alerts subjects', () => {
    expect(plan({ source: 'updates', org: 'Octo', repo: '42' })).toMatchObject({
      stream: 'UPDATES',
      subject: 'teampulse.updates.octo.42',
    });
    expect(plan({ source: 'alerts' })).toMatchObject({
      stream: undefined,
      subject: 'teampulse.alerts.>',
    });
  });

  it('takes a raw subject inside one of the readable subjects, and picks its stream', () => {
    expect(plan({ subject: 'github.push.>' })).toMatchObject({
      source: 'github',
      stream: 'GITHUB',
    });
    expect(plan({ subject: 'teampulse.updates.octo.*' }).stream).toBe('UPDATES');
    expect(plan({ subject: 'teampulse.alerts.dlq' }).source).toBe('alerts');
  });

  it('refuses bad filters and unknown subjects, saying what is wrong', () => {
    expect(refused({ subject: 'dlq.>' })).toMatch(/^unknown subject "dlq\.>": expected github/);
    expect(refused({ subject: 'github' })).toMatch(/unknown subject/);
    expect(refused({ subject: 'teampulse.>' })).toMatch(/unknown subject/);
    expect(refused({ subject: 'github.>.x' })).toMatch(/^bad subject/);
    expect(refused({ subject: 'github.pu*sh' })).toMatch(/^bad subject/);
    expect(refused({ subject: 'github. push' })).toMatch(/^bad subject/);
    expect(refused({ subject: '' })).toMatch(/^bad subject/);
    expect(refused({ subject: 'github.>', org: 'x' })).toMatch(/--subject cannot go with/);
    expect(refused({ org: ' ' })).toBe('--org must not be empty');
    expect(refused({ repo: 'a/b/c' })).toMatch(/--repo must be a name or owner\/name/);
    expect(refused({ org: 'x', repo: 'y/z' })).toMatch(/name different owners/);
    expect(refused({ source: 'updates', event: 'push' })).toMatch(/--event filters the github/);
    expect(refused({ source: 'alerts', org: 'x' })).toMatch(/alerts take no/);
    expect(refused({ source: 'nope' })).toMatch(/--stream must be one of github, updates, alerts/);
    expect(refused({ output: 'xml' })).toMatch(/--output must be one of human, ndjson/);
  });
});

describe('tail plan - start and end', () => {
  it('defaults to new messages, following, human output', () => {
    expect(plan({})).toMatchObject({ start: { kind: 'new' }, untilEnd: false, output: 'human' });
  });

  it('starts at a sequence, the last n, or a time', () => {
    expect(plan({ fromSeq: 7 }).start).toEqual({ kind: 'seq', seq: 7 });
    expect(plan({ last: 3 }).start).toEqual({ kind: 'last', count: 3 });
    expect(plan({ since: '2026-11-28T00:00:00Z' }).start).toEqual({
      kind: 'time',
      at: new Date('2026-11-28T00:00:00Z'),
    });
  });

  it('refuses more than one start, and starts or ends for alerts', () => {
    expect(refused({ fromSeq: 1, last: 2 })).toBe('--from-seq and --last cannot go together');
    expect(refused({ source: 'alerts', untilEnd: true })).toMatch(/alerts are not stored/);
  });

  it('--since reads durations back from now and ISO times', () => {
    expect(parseSince('90s', NOW).toISOString()).toBe('2026-11-29T11:58:30.000Z');
    expect(parseSince('1h30m', NOW).toISOString()).toBe('2026-11-29T10:30:00.000Z');
    expect(parseSince('7d', NOW).toISOString()).toBe('2026-11-22T12:00:00.000Z');
    expect(parseSince('2026-11-01', NOW).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseSince('2026-11-01T10:00:00+02:00', NOW).toISOString()).toBe(
      '2026-11-01T08:00:00.000Z',
    );
  });

  it('--since refuses what is not a time or a duration, and the future', () => {
    for (const bad of ['yesterday', '1y', 'March 7', '2026-13-45', '-1h', ''])
      expect(() => parseSince(bad, NOW)).toThrow(/--since must be an ISO time/);
    expect(() => parseSince('2027-01-01', NOW)).toThrow('--since 2027-01-01 is in the future');
  });
});

describe('tail - the start of the last n matching messages', () => {
  // Matching messages at these sequences; pendingFrom counts those at or after seq.
  const matching = [2, 3, 7, 8, 15, 20];
  const pendingFrom = (seq: number) => Promise.resolve(matching.filter((s) => s >= seq).length);

  it('finds the first sequence from which exactly the last n match', async () => {
    expect(await startForLast(1, 1, 20, pendingFrom)).toBe(16);
    expect(await startForLast(2, 1, 20, pendingFrom)).toBe(9);
    expect(await startForLast(3, 1, 20, pendingFrom)).toBe(8);
    expect(await startForLast(5, 1, 20, pendingFrom)).toBe(3);
  });

  it('starts at the first sequence when fewer match, or the stream is empty', async () => {
    expect(await startForLast(6, 1, 20, pendingFrom)).toBe(1);
    expect(await startForLast(100, 1, 20, pendingFrom)).toBe(1);
    expect(await startForLast(3, 1, 0, pendingFrom)).toBe(1);
  });

  it('asks about log2 of the range', async () => {
    let asked = 0;
    const counting = (seq: number) => {
      asked += 1;
      return Promise.resolve(Math.max(0, 1_000_001 - seq));
    };
    expect(await startForLast(10, 1, 1_000_000, counting)).toBe(999_991);
    expect(asked).toBeLessThanOrEqual(22);
  });
});

describe('tail - records and lines', () => {
  const body = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const at = new Date('2026-11-29T10:00:00.000Z');

  it('decodes subject tokens, keeps every header, parses the body', () => {
    const r = toRecord('github', {
      seq: 4,
      time: at,
      subject: 'github.push.octo.socket%2Eio',
      headers: [
        ['Nats-Msg-Id', ['d-4']],
        ['X-Many', ['a', 'b']],
      ],
      body: body({ commits: [{}, {}] }),
    });
    expect(r).toEqual({
      seq: 4,
      time: '2026-11-29T10:00:00.000Z',
      subject: 'github.push.octo.socket%2Eio',
      tokens: { event: 'push', owner: 'octo', repo: 'socket.io' },
      headers: { 'Nats-Msg-Id': 'd-4', 'X-Many': ['a', 'b'] },
      body: { commits: [{}, {}] },
    });
    expect(humanLine('github', r)).toBe(
      '2026-11-29T10:00:00.000Z #4 push octo/socket.io d-4 2 commits',
    );
  });

  it('keeps a body that is not JSON as text, and org-level events without a repo', () => {
    const r = toRecord('github', {
      seq: 1,
      time: at,
      subject: 'github.organization.octo.~',
      headers: [],
      body: new TextEncoder().encode('not json'),
    });
    expect(r.body).toBe('not json');
    expect(r.tokens).toEqual({ event: 'organization', owner: 'octo' });
    expect(humanLine('github', r)).toBe('2026-11-29T10:00:00.000Z #1 organization octo/~ -');
  });

  it('prints updates and alerts', () => {
    const u = toRecord('updates', {
      seq: 9,
      time: at,
      subject: 'teampulse.updates.octo.42',
      headers: [],
      body: body({ type: 'COMMITS_UPDATED', payload: { commitCount: 5 } }),
    });
    expect(u.tokens).toEqual({ org: 'octo', repo: '42' });
    expect(humanLine('updates', u)).toBe(
      '2026-11-29T10:00:00.000Z #9 COMMITS_UPDATED octo/42 commitCount=5',
    );
    const a = toRecord('alerts', {
      seq: null,
      time: at,
      subject: 'teampulse.alerts.dlq',
      headers: [],
      body: body({ n: 1 }),
    });
    expect(humanLine('alerts', a)).toBe('2026-11-29T10:00:00.000Z - teampulse.alerts.dlq {"n":1}');
  });
});
