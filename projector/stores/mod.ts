/** Where the projections' results are written: MongoDB and Redis, per read-model target. */
export { upsertCommits, raiseCheckpoint } from './commit-store.ts';
export { upsertSnapshots } from './snapshot-store.ts';
export { CounterStore } from './counter-store.ts';
export { Mark, SuspectMarkers } from './suspect-markers.ts';
export { ensureTargetIndexes } from './ensure-indexes.ts';
export { readStoredModels } from './read-stored-models.ts';
