import { z } from 'zod';

/**
 * The fields of a repository we read from any event. Not `.loose()`: zod then reads only
 * these fields instead of copying the ~80 others on every delivery.
 */
export const RepositoryRef = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  full_name: z.string().min(1).optional(),
  // GitHub's types allow a null owner; such an event routes by `organization` or not at all.
  owner: z
    .object({ login: z.string().min(1).optional(), name: z.string().min(1).optional() })
    .nullable(),
});
export type RepositoryRef = z.infer<typeof RepositoryRef>;

/**
 * An owner or repository name as ingest accepts it. GitHub's names never hold a control
 * character (logins are letters, digits and `-`; repositories add `.` and `_`); a validly
 * signed body whose name does is refused with a 400 naming the field rather than stored,
 * since such a name would only reach the log's subject and `ce-source` to be escaped. Other
 * unusual characters (spaces, any Unicode) are accepted and percent-encoded there.
 */
const RoutedName = z
  .string()
  .min(1)
  .regex(/^\P{Cc}*$/u, 'holds a control character');

/** The minimum any event must carry for ingest to route it, with names ingest accepts. */
export const RoutableEvent = z.object({
  repository: RepositoryRef.extend({
    name: RoutedName,
    full_name: RoutedName.optional(),
    owner: z.object({ login: RoutedName.optional(), name: RoutedName.optional() }).nullable(),
  }).optional(),
  organization: z.object({ login: RoutedName }).optional(),
});
export type RoutableEvent = z.infer<typeof RoutableEvent>;

const Paths = z.array(z.string()).default([]);

/**
 * One commit of a push, as GitHub sends it: the fields the projections use, the rest
 * stripped (not `.loose()`), so a decoded batch holds only what it needs.
 */
export const PushCommit = z.object({
  id: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'commit id must be a hex sha'),
  distinct: z.boolean().default(true),
  message: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  author: z
    .object({
      name: z.string().optional(),
      // null in GitHub's types for a commit without an email.
      email: z.string().nullish(),
      username: z.string().min(1).optional(),
    })
    .loose(),
  added: Paths,
  removed: Paths,
  modified: Paths,
});
export type PushCommit = z.infer<typeof PushCommit>;

/**
 * A `push` webhook payload: the fields the projections use, the rest stripped (the log
 * keeps the whole body; a decoded event in a batch need not).
 */
export const PushEvent = z.object({
  ref: z.string(),
  after: z.string().optional(),
  repository: RepositoryRef,
  commits: z.array(PushCommit).max(2048),
});
export type PushEvent = z.infer<typeof PushEvent>;
