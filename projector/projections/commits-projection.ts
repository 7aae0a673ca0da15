import type { CommitDoc } from '../../schemas/read-models.ts';
import { commitDocsOf, commitKey } from './commit-doc.ts';
import type { OrgMappings } from './identity.ts';
import type { Projection } from './projection.ts';
import type { ProjectorEvent } from './push-received.ts';

/** The `commits` read model: documents by `<repoId>:<sha>`. */
export type CommitsState = Map<string, CommitDoc>;

/**
 * `commits`: a commit is written the first time it is seen and never changed after
 * (the store's `$setOnInsert`), so redeliveries, `distinct: false` repeats and re-sent
 * deliveries are no-ops. Mutates and returns the state (folds are hot; nothing else
 * holds it).
 */
export function commitsProjection(mappings: OrgMappings): Projection<CommitsState, ProjectorEvent> {
  return {
    name: 'commits',
    version: 2, // 2: authorName, utcOffsetMinutes and repoName kept
    handles: ['push'],
    initialState: () => new Map(),
    evolve(state, event) {
      for (const doc of commitDocsOf(event.push, mappings)) {
        const key = commitKey(doc);
        if (!state.has(key)) state.set(key, doc);
      }
      return state;
    },
  };
}
