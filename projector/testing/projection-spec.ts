/**
 * Spec tests for projections, Emmett-style: `given(events).when(event).then(readModel)`.
 * The read models are computed by {@link projectInMemory}, the same projections the
 * stores apply.
 */
import { expect } from 'vitest';
import type { OrgMappings } from '../projections/identity.ts';
import { projectInMemory, type ReadModels } from '../projections/in-memory-read-models.ts';
import type { ProjectorEvent } from '../projections/push-received.ts';

type Then = (expected: Partial<ReadModels> | ((models: ReadModels) => void)) => void;

/** Starts a spec: `spec().given(a, b).when(c).then({ counters: {...} })`. */
export function spec(mappings: OrgMappings = {}) {
  return {
    given(...history: ProjectorEvent[]) {
      return {
        when(...events: ProjectorEvent[]): { then: Then } {
          return {
            then(expected) {
              const models = projectInMemory([...history, ...events], mappings);
              if (typeof expected === 'function') expected(models);
              else expect(models).toMatchObject(expected);
            },
          };
        },
      };
    },
  };
}
