import type { JetStreamManager } from '@nats-io/jetstream';
import { PUSH_FILTER } from '../projector/mod.ts';
import { Streams } from '../schemas/streams.ts';
import { githubFilter } from '../schemas/subject.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';

/** The part of the log a replay reads: `--org` or `--repo owner/name`. */
export interface SubjectScope {
  readonly org?: string | undefined;
  /** `owner/name` */
  readonly repo?: string | undefined;
}

/**
 * Subject filters of a scope. An org also matches the owners that `ORG_MAPPINGS` maps to
 * it (their events land in the same org's read models). Pure.
 */
export function scopeFilters(
  scope: SubjectScope,
  mappings: Readonly<Record<string, string>> = {},
): string[] {
  if (scope.org && scope.repo) {
    throw new ReplayError(ReplayErrorCode.invalidOptions, '--org and --repo cannot go together');
  }
  if (scope.repo) {
    const [owner, name, ...rest] = scope.repo.split('/');
    if (!owner || !name || rest.length > 0) {
      throw new ReplayError(
        ReplayErrorCode.invalidOptions,
        `--repo must be owner/name, got "${scope.repo}"`,
      );
    }
    return [githubFilter({ event: 'push', owner, repo: name })];
  }
  if (scope.org) {
    const org = scope.org.toLowerCase();
    const owners = new Set([org]);
    for (const [owner, mapped] of Object.entries(mappings))
      if (mapped.toLowerCase() === org) owners.add(owner);
    return [...owners].sort().map((owner) => githubFilter({ event: 'push', owner }));
  }
  return [PUSH_FILTER];
}

/** The log's last sequence now (0 when empty). */
export async function lastLogSeq(jsm: JetStreamManager): Promise<number> {
  return (await jsm.streams.info(Streams.github.name)).state.last_seq;
}
