/** Pure projections of the projector: identity, commit documents, counters, snapshots. */
export { fold, type Projection } from './projection.ts';
export type { LogPosition, ProjectorEvent, PushReceived } from './push-received.ts';
export { devIdOf, normalizeOrgMappings, orgIdOf, repoIdOf, type OrgMappings } from './identity.ts';
export { moduleOf, modulePaths } from './module-paths.ts';
export { addDays, dayEnd, dayRuns, dayStart, utcDay } from './day.ts';
export { commitDocsOf, commitKey } from './commit-doc.ts';
export { commitsProjection, type CommitsState } from './commits-projection.ts';
export {
  counterItemsOf,
  countersOf,
  type CounterItem,
  type CounterOptions,
} from './dev-day-counters.ts';
export { recentCommitsSnapshot } from './recent-commits.ts';
export {
  ACTIVITY_WINDOW_DAYS,
  ALL_REPOS,
  activityIndex,
  activitySnapshot,
  windowEndsOf,
  type ActivityCommit,
  type DeveloperActivity,
} from './activity-index.ts';
export { planBatch, type BatchPlan, type PlanOptions, type RepoChange } from './batch-plan.ts';
export {
  projectInMemory,
  readModelsOf,
  sortSnapshots,
  type ReadModels,
} from './in-memory-read-models.ts';
