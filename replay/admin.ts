import { currentTarget, targetFor } from '../platform/read-model-target.ts';
import { Collections } from '../schemas/read-models.ts';
import { VersionStates } from '../schemas/replay.ts';
import { dropTarget } from './drop-target.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import type { ReplayContext } from './replay-context.ts';
import { acquireReplayLock } from './replay-lock.ts';
import { recoverSwitch } from './run-replay.ts';
import { switchOver, type SwitchResult } from './switch-over.ts';
import { deleteVersion, getVersion, listVersions, type VersionRecord } from './version-registry.ts';

/** A version as `teampulse replay list` shows it. */
export interface VersionInfo {
  version: number;
  state: string;
  live: boolean;
  completeTo?: number | undefined;
  createdAt?: string | undefined;
  scope?: VersionRecord['scope'];
}

/** Every version known to the registry or present as collections, lowest first. */
export async function listReadModelVersions(
  ctx: Pick<ReplayContext, 'db'>,
): Promise<VersionInfo[]> {
  const live = (await currentTarget(ctx.db)).version;
  const records = new Map((await listVersions(ctx.db)).map((r) => [r._id, r]));
  const numbers = new Set([live, ...records.keys(), ...(await versionsOnServer(ctx))]);
  return [...numbers]
    .sort((a, b) => a - b)
    .map((version) => {
      const r = records.get(version);
      return {
        version,
        state: version === live ? VersionStates.live : (r?.state ?? 'unregistered'),
        live: version === live,
        completeTo: r?.completeTo,
        createdAt: r?.createdAt.toISOString(),
        scope: r?.scope,
      };
    });
}

/**
 * Points readers back at the previous version (or `to`), with the same switch protocol as
 * a replay: the target gets every event it missed while another version was live (from
 * its recorded `completeTo`), so nothing is lost or doubled either way.
 */
export async function rollbackReadModels(
  ctx: ReplayContext,
  o: {
    to?: number | undefined;
    handoffTimeoutMs?: number;
    batchSize?: number;
    progress?: ProgressSink;
  } = {},
): Promise<SwitchResult & { version: number }> {
  const lock = await acquireReplayLock(ctx.redis, 'rollback');
  try {
    await recoverSwitch(ctx, o);
    const live = (await currentTarget(ctx.db)).version;
    const to = o.to ?? (await getVersion(ctx.db, live))?.previous;
    if (to === undefined)
      throw new ReplayError(
        ReplayErrorCode.noPrevious,
        'no previous read-model version to roll back to',
      );
    if (to === live)
      throw new ReplayError(ReplayErrorCode.invalidOptions, `version ${to} is already live`);
    const record = await getVersion(ctx.db, to);
    const usable =
      record?.state === VersionStates.standby || record?.state === VersionStates.dryRun;
    if (!usable) {
      throw new ReplayError(
        ReplayErrorCode.unknownVersion,
        `version ${to} cannot be switched to (${record ? `state ${record.state}` : 'not found'})`,
      );
    }
    const progress = o.progress ?? silentProgress;
    const result = await switchOver(ctx, {
      to,
      reason: 'rollback',
      catchUpFrom: record.completeTo ?? 0,
      handoffTimeoutMs: o.handoffTimeoutMs ?? 60_000,
      batchSize: o.batchSize ?? 500,
      onStart: (from, last) => progress.begin('rollback catch-up', from, last),
      onBatch: (p) => progress.update(p.position, p.events, p.commits),
    }).finally(() => progress.end());
    return { ...result, version: to };
  } finally {
    await lock.release();
  }
}

/**
 * Drops every version but the live one and, unless `keepPrevious` is false, the one it
 * replaced (the rollback target). Unfinished and dry-run versions go too.
 */
export async function cleanupReadModels(
  ctx: ReplayContext,
  o: { keepPrevious?: boolean } = {},
): Promise<{ dropped: number[]; kept: number[] }> {
  const lock = await acquireReplayLock(ctx.redis, 'cleanup');
  try {
    await recoverSwitch(ctx, {});
    const live = (await currentTarget(ctx.db)).version;
    const previous = (await getVersion(ctx.db, live))?.previous;
    const keep = new Set([
      live,
      ...(o.keepPrevious !== false && previous !== undefined ? [previous] : []),
    ]);
    const all = new Set([
      ...(await listVersions(ctx.db)).map((r) => r._id),
      ...(await versionsOnServer(ctx)),
    ]);
    const dropped: number[] = [];
    for (const version of [...all].sort((a, b) => a - b)) {
      if (keep.has(version)) continue;
      await dropTarget(ctx.db, ctx.redis, targetFor(version));
      await deleteVersion(ctx.db, version);
      dropped.push(version);
    }
    return { dropped, kept: [...keep].sort((a, b) => a - b) };
  } finally {
    await lock.release();
  }
}

/** Versions that have collections on the server (version 0: the unsuffixed names). */
async function versionsOnServer(ctx: Pick<ReplayContext, 'db'>): Promise<number[]> {
  const names = (await ctx.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const found = new Set<number>();
  const versioned = new RegExp(
    `^(?:${Collections.commits}|${Collections.metricsSnapshots})_v(\\d+)$`,
  );
  for (const name of names) {
    const m = versioned.exec(name);
    if (m) found.add(Number(m[1]));
    if (name === Collections.commits || name === Collections.metricsSnapshots) found.add(0);
  }
  return [...found];
}
