import { z } from 'zod';

/** MongoDB collection of the read-model versions a replay created (one document per version). */
export const ReplayCollections = {
  versions: 'read_model_versions',
} as const;

/**
 * Subjects of control messages (core NATS, not stored in a stream: a gateway that misses
 * one finds the version on its next pointer read anyway).
 */
export const ControlSubjects = {
  /** Published after the read-model pointer moved: clients should resync. */
  readModel: 'teampulse.control.readmodel',
} as const;

/** What a read-model version is doing. */
export const VersionStates = {
  /** Being filled with a copy of the current read models that are not rebuilt. */
  seeding: 'seeding',
  /** Being rebuilt from the log; unfinished when the replay stopped. */
  building: 'building',
  /** Pointer moved to it; the final catch-up pass has not finished yet. */
  switching: 'switching',
  /** What readers and the live projector use. */
  live: 'live',
  /** Was live, or was built and not switched to: kept for a rollback until a cleanup. */
  standby: 'standby',
  /** Built by `--dry-run --keep` for inspection; never switched to. */
  dryRun: 'dry-run',
} as const;
export type VersionState = (typeof VersionStates)[keyof typeof VersionStates];

/** `READ_MODEL_SWITCHED` on {@link ControlSubjects.readModel}. */
export const ReadModelSwitched = z.object({
  type: z.literal('READ_MODEL_SWITCHED'),
  version: z.number().int().nonnegative(),
  previous: z.number().int().nonnegative(),
  /** Why: `replay` or `rollback`. */
  reason: z.enum(['replay', 'rollback']),
  switchedAt: z.string(),
});
export type ReadModelSwitched = z.infer<typeof ReadModelSwitched>;
