import { describe, expect, it } from 'vitest';
import { PushEvent } from '../../schemas/push-event.ts';
import { CommitDoc } from '../../schemas/read-models.ts';
import { buildPushPayload } from '../../platform/github/push-payload.ts';
import {
  commitDocsOf,
  commitKey,
  parseCommitKey,
  repoNameOf,
  utcOffsetMinutesOf,
} from './commit-doc.ts';

describe('commit doc', () => {
  it("commit doc - the UTC offset is read from the timestamp's own offset", () => {
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00+02:00')).toBe(120);
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00-05:30')).toBe(-330);
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00+05:45')).toBe(345);
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00.250+14:00')).toBe(840);
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00+00:00')).toBe(0);
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00-0800')).toBe(-480);
    // Z says nothing about the author's clock; neither does a missing offset.
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00Z')).toBeUndefined();
    expect(utcOffsetMinutesOf('2025-03-01T09:15:00')).toBeUndefined();
    expect(utcOffsetMinutesOf('2025-03-01')).toBeUndefined();
  });

  it('commit doc - the repository name is full_name, else owner/name', () => {
    expect(repoNameOf({ id: 1, name: 'web', full_name: 'Acme/web', owner: null })).toBe('Acme/web');
    expect(repoNameOf({ id: 1, name: 'web', owner: { login: 'Acme' } })).toBe('Acme/web');
    expect(repoNameOf({ id: 1, name: 'web', owner: { name: 'Old' } })).toBe('Old/web');
    expect(repoNameOf({ id: 1, name: 'web', owner: null })).toBeUndefined();
  });

  it("commit doc - keeps the author's name, offset and the repository's name, and leaves out what is unknown", () => {
    const push = PushEvent.parse(
      buildPushPayload({
        owner: 'Acme',
        repo: 'web',
        repoId: 42,
        commits: [
          { author: 'alice', name: 'Alice Liddell', timestamp: '2025-11-19T23:30:00-05:30' },
          { author: 'bob', timestamp: '2025-11-19T10:00:00Z' },
        ],
      }),
    );
    const anonymous = push.commits[1];
    if (anonymous) delete anonymous.author.name;
    const [alice, bob] = commitDocsOf(push, {});
    expect(alice).toMatchObject({
      authorGithubId: 'alice',
      authorName: 'Alice Liddell',
      utcOffsetMinutes: -330,
      repoName: 'Acme/web',
      timestamp: new Date('2025-11-20T05:00:00Z'),
    });
    // Absent, not `undefined`: the driver would store null, which no reader expects.
    expect(Object.keys(bob ?? {})).not.toContain('authorName');
    expect(Object.keys(bob ?? {})).not.toContain('utcOffsetMinutes');
    expect(bob?.repoName).toBe('Acme/web');
    for (const doc of [alice, bob]) expect(CommitDoc.safeParse(doc).success).toBe(true);
  });

  it('commit doc - a commit key reads back to its repository and sha; what is none gives undefined', () => {
    const doc = { repoId: '42', sha: 'a'.repeat(40) };
    expect(parseCommitKey(commitKey(doc))).toEqual(doc);
    for (const bad of ['garbage', ':abc', '42:']) expect(parseCommitKey(bad)).toBeUndefined();
  });
});
