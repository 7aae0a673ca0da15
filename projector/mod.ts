/** The projector: log → read models (MongoDB, Redis) → COMMITS_UPDATED, with retries and dead letters. */
export { startProjector, type ProjectorDeps, type ProjectorHandle } from './main.ts';
export { ProjectorRunner, type FaultHook, type RunnerOptions } from './runner.ts';
export {
  applyLogMessage,
  LIVE_CHECKPOINT,
  openProjectorContext,
  type ProjectorContext,
  type SharedConnections,
} from './connect.ts';
export {
  applyBatch,
  BatchApplication,
  type BatchDeps,
  type BatchResult,
} from './batch/apply-batch.ts';
export { decodePush, deliveryIdOf, type LogMessage } from './batch/decode.ts';
export { UpdatePublisher } from './batch/update-publisher.ts';
export { TargetSource } from './consume/target-source.ts';
export { PUSH_FILTER, projectorConsumerConfig } from './consume/consumer-setup.ts';
export { classifyError, Outcome } from './classify-error.ts';
export {
  PoisonMessageError,
  ProjectorError,
  ProjectorErrorCode,
  StoppingError,
  TransientError,
} from './errors.ts';
export { projectorMetrics, type ProjectorMetrics } from './metrics.ts';
