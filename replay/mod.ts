/** Replay: rebuild the read models from the log into a new version, compare, switch, roll back, clean up. */
export { runReplay, recoverSwitch, type ReplayOptions, type ReplaySummary } from './run-replay.ts';
export { openReplayContext, REPLAY_CHECKPOINT, type ReplayContext } from './replay-context.ts';
export {
  rollbackReadModels,
  cleanupReadModels,
  listReadModelVersions,
  type VersionInfo,
} from './admin.ts';
export {
  switchOver,
  finishSwitch,
  type SwitchDeps,
  type SwitchOptions,
  type SwitchResult,
} from './switch-over.ts';
export { waitForLiveHandoff, liveAckFloor, type Handoff } from './live-handoff.ts';
export {
  rebuildPass,
  rebuildSinks,
  type PassDeps,
  type PassOptions,
  type PassProgress,
} from './rebuild-pass.ts';
export { readLogBatches, type LogRange, type ReadOptions } from './log-reader.ts';
export { diffTargets } from './diff-targets.ts';
export {
  canonical,
  diffSorted,
  fieldDifferences,
  type DiffExample,
  type Differences,
  type ModelDiff,
} from './diff-tally.ts';
export { dropTarget } from './drop-target.ts';
export { seedTarget, Projections, ALL_PROJECTIONS, type ProjectionName } from './seed-target.ts';
export { scopeFilters, lastLogSeq, type SubjectScope } from './scope.ts';
export { progressFor, silentProgress, type ProgressSink } from './progress.ts';
export { progressFigures, progressLine, type ProgressReading } from './progress-math.ts';
export { acquireReplayLock, type ReplayLock } from './replay-lock.ts';
export { ReplayError, ReplayErrorCode } from './errors.ts';
export {
  listVersions,
  getVersion,
  nextVersion,
  type ReplayScope,
  type VersionRecord,
} from './version-registry.ts';
