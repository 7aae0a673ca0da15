/**
 * The projector: log → read models (MongoDB, Redis) → COMMITS_UPDATED, with retries and
 * dead letters. What other roles, tools and benchmarks may use; the rest is internal.
 */
export { startProjector, type ProjectorDeps, type ProjectorHandle } from './main.ts';
export type { FaultHook } from './runner.ts';
export {
  applyLogMessage,
  LIVE_CHECKPOINT,
  openProjectorContext,
  type ProjectorContext,
  type SharedConnections,
} from './connect.ts';
export {
  noUpdates,
  type BatchDeps,
  type BatchResult,
  type BatchSinks,
  type SnapshotSink,
  type UpdateSink,
} from './batch/apply-batch.ts';
export { processBatch, type ProcessingPath, type Settle } from './batch/process-batch.ts';
export { settlementOf, type RetryPolicy, type Settlement } from './batch/settlement.ts';
export { DeferredSnapshots } from './batch/deferred-snapshots.ts';
export type { SnapshotWriter } from './stores/snapshot-writer.ts';
export { decodePush, deliveryIdOf, type LogMessage } from './batch/decode.ts';
export { PUSH_FILTER, projectorConsumerConfig } from './consume/consumer-setup.ts';
export { classifyError, Outcome } from './classify-error.ts';
export {
  PoisonMessageError,
  ProjectorError,
  ProjectorErrorCode,
  StoppingError,
  TransientError,
} from './errors.ts';
export {
  getDeadLetter,
  listDeadLetters,
  purgeDeadLetters,
  retryDeadLetter,
  type DeadLetter,
  type RetryResult,
} from './dead-letter/dlq-admin.ts';
export type { OrgMappings } from './projections/identity.ts';
export type { ProjectorEvent, PushReceived } from './projections/push-received.ts';
// Building blocks the benchmarks time on their own (the projector's own batch code).
export { commitDocsOf } from './projections/commit-doc.ts';
export { counterItemsOf } from './projections/dev-day-counters.ts';
export { upsertCommits } from './stores/commit-store.ts';
export { planBatch } from './projections/batch-plan.ts';
export { SnapshotTally } from './projections/snapshot-tally.ts';
export { upsertSnapshots } from './stores/snapshot-store.ts';
export { CounterStore } from './stores/counter-store.ts';
export { counterKeyPages } from './stores/counter-keys.ts';
// The dashboard benchmark seeds the rollups the projector writes.
export {
  DashboardDay,
  dashboardDaySnapshot,
  type DashboardDaySnapshot,
} from './projections/dashboard-day.ts';
