import { InvalidArgumentError, Option, type Command } from 'commander';
import { cliLogger } from './cli-logger.ts';
import {
  ALL_PROJECTIONS,
  cleanupReadModels,
  listReadModelVersions,
  openReplayContext,
  progressFor,
  rollbackReadModels,
  runReplay,
  type ProjectionName,
  type ReplayContext,
  type ReplaySummary,
} from '../replay/mod.ts';
import { parsePositiveInt, parseTime } from './options.ts';
import { cliConfig } from './cli-config.ts';
import {
  connectionOverrides,
  withConnectionOptions,
  type ConnectionOptions,
} from './connection-options.ts';

interface ReplayCliOptions extends ConnectionOptions {
  fromSeq?: number;
  since?: Date;
  org?: string;
  repo?: string;
  projections?: ProjectionName[];
  dryRun?: boolean;
  keep?: boolean;
  resume?: boolean;
  batchSize: number;
  handoffTimeout: number;
  json?: boolean;
}

function parseProjections(value: string): ProjectionName[] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(ALL_PROJECTIONS as readonly string[]).includes(n)) {
      throw new InvalidArgumentError(
        `unknown projection "${n}" (known: ${ALL_PROJECTIONS.join(', ')})`,
      );
    }
  }
  return names as ProjectionName[];
}

/** Opens a context, runs `fn`, closes it; Ctrl-C aborts the signal once, a second one quits. */
async function withContext<T>(
  o: ConnectionOptions,
  fn: (ctx: ReplayContext, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const cfg = cliConfig(connectionOverrides(o)).config;
  const logger = cliLogger(cfg.LOG_LEVEL, 'replay');
  const ctx = await openReplayContext(cfg, logger);
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current batch (Ctrl-C again to quit at once)…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(ctx, abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
    await ctx.close();
  }
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/** The human-readable end-of-replay summary. */
export function describeSummary(s: ReplaySummary): string {
  const lines = [
    `${s.dryRun ? 'dry run: rebuilt' : 'rebuilt'} version ${s.version} (live was ${s.previous})${s.resumedAfter === undefined ? '' : `, resumed after seq ${s.resumedAfter},`} in ${(s.durationMs / 1000).toFixed(1)} s: ` +
      `${s.events} events, ${s.commits} new commits, ${s.skipped} skipped, ${s.eventsPerSecond} events/s, up to seq ${s.position}`,
  ];
  if (s.dropped.length > 0) lines.push(`dropped unfinished versions: ${s.dropped.join(', ')}`);
  if (s.switched) {
    lines.push(
      `switched to version ${s.version}; live handoff ${s.handoff?.liveConsumer ? `after ${s.handoff.waitedMs} ms` : 'not needed (no live projector)'}` +
        `${s.handoff?.timedOut ? ' (TIMED OUT: see the warning above)' : ''}; catch-up ${s.catchUp?.events ?? 0} events`,
    );
  }
  if (s.differences) {
    const d = s.differences;
    lines.push(`differences from the live read models: ${d.total}`);
    for (const [name, m] of Object.entries({
      commits: d.commits,
      snapshots: d.snapshots,
      counters: d.counters,
    })) {
      lines.push(`  ${name}: ${m.added} added, ${m.removed} removed, ${m.changed} changed`);
      for (const e of m.examples)
        lines.push(`    e.g. ${e.kind} ${e.key.replaceAll('\u0000', ' ')}`);
    }
  }
  return lines.join('\n');
}

/** `teampulse replay` and its subcommands `list`, `rollback`, `cleanup`. */
export function registerReplayCommands(program: Command): void {
  const replay = withConnectionOptions(
    program
      .command('replay')
      .description(
        'rebuild the read models from the log into a new version, then switch to it (or compare: --dry-run)',
      ),
  )
    .option(
      '--from-seq <n>',
      'start at this log sequence (the rest is copied from the live version)',
      parsePositiveInt,
    )
    .option(
      '--since <time>',
      'start at the first event stored at or after this time (ISO)',
      parseTime,
    )
    .option('--org <org>', 'only this org (the rest is copied from the live version)')
    .option(
      '--repo <owner/name>',
      'only this repository (the rest is copied from the live version)',
    )
    .option(
      '--projections <list>',
      `read models to rebuild from empty, comma-separated (${ALL_PROJECTIONS.join(',')}); the others start from a copy`,
      parseProjections,
    )
    .option(
      '--dry-run',
      'rebuild and report the differences from the live read models; switch nothing',
    )
    .option('--keep', 'with --dry-run: keep the rebuilt version for inspection')
    .option('--resume', 'continue the latest interrupted replay instead of starting clean')
    .option('--batch-size <n>', 'log messages per batch', parsePositiveInt, 500)
    .addOption(
      new Option('--handoff-timeout <ms>', 'longest wait for live batches begun before the switch')
        .argParser(parsePositiveInt)
        .default(60_000),
    )
    .option('--json', 'print the summary as JSON')
    .action(async (o: ReplayCliOptions) => {
      const summary = await withContext(o, (ctx, signal) =>
        runReplay(ctx, {
          scope: { org: o.org, repo: o.repo },
          fromSeq: o.fromSeq,
          since: o.since,
          projections: o.projections,
          dryRun: o.dryRun ?? false,
          keep: o.keep ?? false,
          resume: o.resume ?? false,
          batchSize: o.batchSize,
          handoffTimeoutMs: o.handoffTimeout,
          signal,
          progress: progressFor(process.stderr),
        }),
      );
      print(o.json, summary, describeSummary(summary));
    });

  withConnectionOptions(replay.command('list').description('list read-model versions'))
    .option('--json', 'print as JSON')
    .action(async (o: ConnectionOptions & { json?: boolean }) => {
      const versions = await withContext(o, (ctx) => listReadModelVersions(ctx));
      const text = versions
        .map(
          (v) =>
            `${v.live ? '*' : ' '} v${v.version}  ${v.state.padEnd(12)} complete to seq ${v.completeTo ?? '?'}  ${v.createdAt ?? ''}`,
        )
        .join('\n');
      print(o.json, versions, text);
    });

  withConnectionOptions(
    replay
      .command('rollback')
      .description('switch back to the previous version (it first catches up with the log)'),
  )
    .option('--to <version>', 'switch to this version instead', (v) =>
      parsePositiveInt(v, undefined, true),
    )
    .option('--batch-size <n>', 'log messages per batch', parsePositiveInt, 500)
    .option('--json', 'print the result as JSON')
    .action(async (o: ConnectionOptions & { to?: number; batchSize: number; json?: boolean }) => {
      const result = await withContext(o, (ctx) =>
        rollbackReadModels(ctx, {
          to: o.to,
          batchSize: o.batchSize,
          progress: progressFor(process.stderr),
        }),
      );
      print(
        o.json,
        result,
        `switched back to version ${result.version} (was ${result.previous}); catch-up ${result.catchUp.events} events`,
      );
    });

  withConnectionOptions(
    replay
      .command('cleanup')
      .description('drop every version but the live one and the previous one'),
  )
    .option('--drop-previous', 'drop the previous version too (no rollback possible afterwards)')
    .option('--json', 'print the result as JSON')
    .action(async (o: ConnectionOptions & { dropPrevious?: boolean; json?: boolean }) => {
      const result = await withContext(o, (ctx) =>
        cleanupReadModels(ctx, { keepPrevious: !o.dropPrevious }),
      );
      print(
        o.json,
        result,
        `dropped: ${result.dropped.join(', ') || 'nothing'}; kept: ${result.kept.join(', ')}`,
      );
    });
}
