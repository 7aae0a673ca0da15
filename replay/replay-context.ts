import type { Redis } from 'ioredis';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import {
  openProjectorContext,
  type SharedConnections,
  type OrgMappings,
} from '../projector/mod.ts';
import type { SwitchDeps } from './switch-over.ts';

/** The checkpoint document a replay raises in the target it builds. */
export const REPLAY_CHECKPOINT = 'replay';

/** Everything a replay, rollback or cleanup works with. */
export interface ReplayContext extends SwitchDeps {
  readonly redis: Redis;
  readonly mappings: OrgMappings;
  close(): Promise<void>;
}

/**
 * Opens the projector's own connections, stores and retry policy; the replay's differences
 * (no COMMITS_UPDATED, its own checkpoint) are its sinks (see `rebuildSinks`).
 */
export async function openReplayContext(
  cfg: Config,
  logger: Logger,
  shared: SharedConnections = {},
): Promise<ReplayContext> {
  const ctx = await openProjectorContext(cfg, shared, { role: 'admin', logger });
  return {
    nc: ctx.nc,
    js: ctx.js,
    jsm: ctx.jsm,
    db: ctx.db,
    redis: ctx.redis,
    objects: ctx.objects,
    logger,
    mappings: ctx.batch.mappings,
    batch: ctx.batch,
    snapshots: ctx.snapshots,
    retry: ctx.retry,
    close: () => ctx.close(),
  };
}
