/** Test fixtures: push events as they come out of the log. */
import { buildPushPayload, type FakePush } from '../../platform/github/push-payload.ts';
import { PushEvent } from '../../schemas/push-event.ts';
import { githubSubject } from '../../schemas/subject.ts';
import type { PushReceived } from '../projections/push-received.ts';

let nextSeq = 1;

/** A validated push event at a (by default increasing) stream sequence. */
export function pushReceived(
  push: FakePush,
  opts: { seq?: number; deliveryId?: string } = {},
): PushReceived {
  const streamSeq = opts.seq ?? nextSeq++;
  return {
    type: 'push',
    streamSeq,
    deliveryId: opts.deliveryId ?? `delivery-${streamSeq}`,
    subject: githubSubject('push', push.owner, push.repo),
    push: PushEvent.parse(buildPushPayload(push)),
  };
}

/** The seed's example: alice 2 commits, bob 1, on 2025-11-19 in acme/web (repo 42). */
export function seedPush(): FakePush {
  return {
    owner: 'Acme',
    repo: 'web',
    repoId: 42,
    commits: [
      {
        author: 'alice',
        timestamp: '2025-11-19T10:00:00Z',
        files: { added: ['src/a.ts'], modified: ['README.md'] },
      },
      {
        author: 'alice',
        timestamp: '2025-11-19T10:05:00Z',
        files: { modified: ['src/b.ts', 'tests/b.test.ts'] },
      },
      {
        author: 'bob',
        timestamp: '2025-11-19T11:00:00+02:00',
        files: { removed: ['docs/old.md'], modified: [] },
      },
    ],
  };
}

/** Deterministic shuffle (mulberry32), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
