import { describe, expect, it } from 'vitest';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { counterItemsOf } from './dev-day-counters.ts';

const doc = (
  authorGithubId: string,
  sha: string,
  timestamp = '2025-11-19T10:00:00Z',
): CommitDoc => ({
  sha,
  repoId: '42',
  orgId: 'acme',
  authorGithubId,
  message: 'm',
  timestamp: new Date(timestamp),
  filesCount: 1,
  modulePaths: ['src'],
  processed: true,
});

describe('dev-day counters', () => {
  it('dev-day counters - one seen set per org-day, so a commit under two identities counts once', () => {
    const sha = 'a'.repeat(40);
    const [live, backfilled] = counterItemsOf(
      [doc('alice', sha), doc('email:alice@example.com', sha)],
      { namespace: '', ttlDays: 400 },
    );
    expect(live!.key).toBe('org:acme:dev:alice:commits:2025-11-19');
    expect(backfilled!.key).toBe('org:acme:dev:email:alice@example.com:commits:2025-11-19');
    // Same set and same member: the Lua script counts only the first.
    expect(live!.seenKey).toBe('org:acme:commits:2025-11-19:seen');
    expect(backfilled!.seenKey).toBe(live!.seenKey);
    expect(backfilled!.member).toBe(live!.member);
  });

  it('dev-day counters - keys live in the target namespace and expire after the day plus the TTL', () => {
    const [item] = counterItemsOf([doc('bob', 'b'.repeat(40))], { namespace: 'v3:', ttlDays: 10 });
    expect(item!.key).toBe('v3:org:acme:dev:bob:commits:2025-11-19');
    expect(item!.seenKey).toBe('v3:org:acme:commits:2025-11-19:seen');
    expect(item!.expireAt).toBe(Date.UTC(2025, 10, 20) / 1000 + 10 * 86_400);
  });
});
