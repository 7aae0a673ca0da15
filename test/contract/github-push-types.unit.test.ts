import { describe, expectTypeOf, it } from 'vitest';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import type { z } from 'zod';
import type { PushCommit, PushEvent, RoutableEvent } from '../../schemas/push-event.ts';

// Type-level: `tsc --noEmit` (npm run typecheck) fails when GitHub's published push
// payload type (@octokit/webhooks → @octokit/openapi-webhooks-types) drifts from our schema.

/** GitHub's push payload, as its official types describe it. */
type GithubPush = EmitterWebhookEvent<'push'>['payload'];
type GithubCommit = GithubPush['commits'][number];
type OurPush = z.input<typeof PushEvent>;
type OurCommit = OurPush['commits'][number];

describe('push event schema vs GitHub types', () => {
  it('push event - accepts every payload GitHub’s push type describes', () => {
    expectTypeOf<GithubPush>().toExtend<OurPush>();
    expectTypeOf<GithubPush>().toExtend<z.input<typeof RoutableEvent>>();
  });

  it('push event - every field the projector reads exists in GitHub’s type', () => {
    // Keys, level by level: a field we read that GitHub does not send would pass the
    // check above while optional, so each key set must be one of GitHub's.
    expectTypeOf<keyof OurPush>().toExtend<keyof GithubPush>();
    expectTypeOf<keyof OurPush['repository']>().toExtend<keyof GithubPush['repository']>();
    expectTypeOf<keyof NonNullable<OurPush['repository']['owner']>>().toExtend<
      keyof NonNullable<GithubPush['repository']['owner']>
    >();
    expectTypeOf<keyof OurCommit>().toExtend<keyof GithubCommit>();
    // `author` is loose (its other fields pass through), so its declared keys come from the shape.
    expectTypeOf<keyof typeof PushCommit.shape.author.shape>().toExtend<
      keyof GithubCommit['author']
    >();
  });
});
