import { TeamPulseError } from '../platform/errors.ts';

/** Codes of projector errors; the code decides a message's outcome (see `classify-error.ts`). */
export const ProjectorErrorCode = {
  /** The body is not JSON or the schema rejects it: dead-lettered at once. */
  schemaInvalid: 'schema_invalid',
  /** The event cannot be attributed to an org or a developer: dead-lettered at once. */
  identity: 'identity_invalid',
  /** A dependency is unreachable or timed out: retried in-process, never dead-lettered. */
  transient: 'transient',
  /** The projector is stopping; the batch is left unacked for redelivery. */
  stopping: 'stopping',
  /** Any other processing failure: nak with backoff, dead letter after the last delivery. */
  failed: 'projection_failed',
  /** Delivered max_deliver times without an outcome (the process died each time). */
  maxDeliveries: 'max_deliveries',
} as const;
export type ProjectorErrorCode = (typeof ProjectorErrorCode)[keyof typeof ProjectorErrorCode];

/** An error of the projector, with the code that decides what happens to the message. */
export class ProjectorError extends TeamPulseError {
  override name = 'ProjectorError';
  declare readonly code: ProjectorErrorCode;
  constructor(code: ProjectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A payload the schema rejects: poison, never worth a retry. */
export class PoisonMessageError extends ProjectorError {
  override name = 'PoisonMessageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(ProjectorErrorCode.schemaInvalid, message, options);
  }
}

/** A dependency (MongoDB, Redis, NATS) failed in a way that heals by waiting. */
export class TransientError extends ProjectorError {
  override name = 'TransientError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(ProjectorErrorCode.transient, message, options);
  }
}

/** Thrown out of a retry loop when the projector stops; the messages stay unacked. */
export class StoppingError extends ProjectorError {
  override name = 'StoppingError';
  constructor() {
    super(ProjectorErrorCode.stopping, 'projector is stopping');
  }
}
