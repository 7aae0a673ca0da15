import { Option, type Command } from 'commander';
import { connectNats } from '../platform/nats.ts';
import { LogAppender } from '../platform/log/append.ts';
import { jetstreamManager } from '@nats-io/jetstream';
import { ensureStreams } from '../platform/streams.ts';
import {
  CommitDates,
  MAX_PUSH_COMMITS,
  readAuthorMap,
  runBackfill,
  type CommitDate,
} from '../backfill/mod.ts';
import { cliConfig, variableFlag } from './cli-config.ts';
import { parsePositiveInt, parseTime } from './options.ts';

interface BackfillCliOptions {
  path: string;
  owner: string;
  repo: string;
  repoId: number;
  branch: string;
  since?: Date;
  until?: Date;
  groupSize: number;
  authorMap?: string;
  date: CommitDate;
  natsUrl?: string;
  json?: boolean;
}

/** `teampulse backfill`: a clone's history into the log, as pushes in GitHub's shape. */
export function registerBackfillCommand(program: Command): void {
  program
    .command('backfill')
    .description(
      "append a git clone's history to the log as push events (idempotent: a rerun adds nothing)",
    )
    .requiredOption('--path <dir>', 'local clone')
    .requiredOption('--owner <owner>', 'GitHub owner (org or user) login')
    .requiredOption('--repo <name>', 'GitHub repository name')
    .requiredOption(
      '--repo-id <id>',
      "GitHub's numeric repository id (repository.id)",
      parsePositiveInt,
    )
    .option('--branch <name>', 'branch to read', 'main')
    .option(
      '--since <time>',
      'only commits after this time (ISO; git filters on the committer date)',
      parseTime,
    )
    .option('--until <time>', 'only commits before this time (ISO)', parseTime)
    .option('--group-size <n>', `commits per push (1..${MAX_PUSH_COMMITS})`, parsePositiveInt, 100)
    .option(
      '--author-map <file>',
      'JSON {"email": "github-login"}; unmapped authors count as email:<email>',
    )
    .addOption(
      new Option('--date <which>', 'git date used as the commit timestamp')
        .choices(Object.values(CommitDates))
        .default(CommitDates.author),
    )
    .option('--nats-url <url>', 'NATS server (overrides NATS_URL)', variableFlag('NATS_URL'))
    .option('--json', 'print the summary as JSON')
    .action(async (o: BackfillCliOptions) => {
      const cfg = cliConfig(o.natsUrl ? { NATS_URL: o.natsUrl } : {}).config;
      const authors = o.authorMap ? await readAuthorMap(o.authorMap) : new Map<string, string>();
      const nc = await connectNats(cfg, { name: 'teampulse-backfill', role: 'admin' });
      try {
        await ensureStreams(await jetstreamManager(nc), cfg, ['GITHUB']);
        const tty = process.stderr.isTTY;
        const summary = await runBackfill(new LogAppender(nc, { timeoutMs: 10_000 }), {
          path: o.path,
          owner: o.owner,
          repo: o.repo,
          repoId: o.repoId,
          branch: o.branch,
          since: o.since,
          until: o.until,
          groupSize: o.groupSize,
          authors,
          date: o.date,
          onPush: (s) => {
            if (tty)
              process.stderr.write(
                `\rbackfill: ${s.commits} commits, ${s.pushes} pushes (${s.duplicates} already in the log)`,
              );
            else if (s.pushes % 100 === 0)
              process.stderr.write(`backfill: ${s.commits} commits, ${s.pushes} pushes\n`);
          },
        });
        if (tty) process.stderr.write('\n');
        process.stdout.write(
          o.json
            ? `${JSON.stringify(summary, null, 2)}\n`
            : `backfilled ${summary.commits} commits as ${summary.pushes} pushes: ${summary.appended} appended, ${summary.duplicates} already in the log\n` +
                (summary.unmappedAuthors.length
                  ? `unmapped authors (counted as email:<email>; add them to --author-map): ${summary.unmappedAuthors.join(', ')}\n`
                  : ''),
        );
      } finally {
        await nc.drain();
      }
    });
}
