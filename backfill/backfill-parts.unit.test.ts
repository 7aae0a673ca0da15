import { describe, expect, it } from 'vitest';
import { PushEvent } from '../schemas/push-event.ts';
import { parseAuthorMap } from './author-map.ts';
import { backfillDeliveryId } from './delivery-id.ts';
import { GitRecordSplitter, parseGitRecord } from './git-record.ts';
import { backfillPushPayload } from './push-payload.ts';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const record = (sha: string, parents: string, files: string) =>
  `${sha}\x1f${parents}\x1fAlice\x1falice@x.io\x1f2026-03-01T17:30:00-08:00\x1fAlice\x1falice@x.io\x1f2026-03-01T18:00:00-08:00\x1fFix it\n\nBody\n\x1f\0\n${files}`;

describe('backfill parts', () => {
  it('backfill - a git log record gives the commit and its added, removed and modified files', () => {
    const c = parseGitRecord(
      record(
        SHA_B,
        `${SHA_A} ${'c'.repeat(40)}`,
        'A\0src/new.ts\0D\0old.md\0M\0README.md\0T\0bin/run\0',
      ),
    );
    expect(c).toMatchObject({
      sha: SHA_B,
      parents: [SHA_A, 'c'.repeat(40)],
      authorEmail: 'alice@x.io',
      authorDate: '2026-03-01T17:30:00-08:00',
      message: 'Fix it\n\nBody',
      added: ['src/new.ts'],
      removed: ['old.md'],
      modified: ['README.md', 'bin/run'],
    });
    expect(parseGitRecord(record(SHA_A, '', '')).parents).toEqual([]);
  });

  it('backfill - the splitter yields records across chunk boundaries', () => {
    const s = new GitRecordSplitter();
    const text = `\x1e${record(SHA_A, '', 'A\0a\0')}\x1e${record(SHA_B, SHA_A, 'M\0a\0')}`;
    const out = [
      ...s.push(text.slice(0, 50)),
      ...s.push(text.slice(50, 130)),
      ...s.push(text.slice(130)),
      ...s.end(),
    ];
    expect(out.map((r) => parseGitRecord(r).sha)).toEqual([SHA_A, SHA_B]);
  });

  it('backfill - delivery ids are deterministic per (repo, first, last) and UUID-shaped', () => {
    const id = backfillDeliveryId(42, SHA_A, SHA_B);
    expect(id).toBe(backfillDeliveryId(42, SHA_A, SHA_B));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(id).not.toBe(backfillDeliveryId(43, SHA_A, SHA_B));
    expect(id).not.toBe(backfillDeliveryId(42, SHA_B, SHA_A));
  });

  it('backfill - the payload passes the push schema; mapped authors get their login, others none', () => {
    const commits = [
      parseGitRecord(record(SHA_A, '', 'A\0a.ts\0')),
      { ...parseGitRecord(record(SHA_B, SHA_A, 'M\0a.ts\0')), authorEmail: 'BOB@y.io' },
    ];
    const payload = backfillPushPayload(
      { owner: 'Acme', repo: 'web', repoId: 7, branch: 'main' },
      commits,
      { authors: parseAuthorMap({ 'Alice@X.io': 'alice' }), date: 'author' },
    );
    const push = PushEvent.parse(payload);
    expect(push.commits.map((c) => c.author.username)).toEqual(['alice', undefined]);
    expect(push.commits[0]!.timestamp).toBe('2026-03-01T17:30:00-08:00');
    expect(payload).toMatchObject({ ref: 'refs/heads/main', before: '0'.repeat(40), after: SHA_B });
    expect(() => parseAuthorMap({ 'a@b.c': 3 })).toThrow(/author map/);
  });
});
