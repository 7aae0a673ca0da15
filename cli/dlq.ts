import type { Command } from 'commander';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Config } from '../platform/config.ts';
import { TeamPulseError } from '../platform/errors.ts';
import { connectNats } from '../platform/nats.ts';
import { ensureStreams } from '../platform/streams.ts';
import { Streams } from '../schemas/streams.ts';
import {
  applyLogMessage,
  openProjectorContext,
  getDeadLetter,
  listDeadLetters,
  purgeDeadLetters,
  retryDeadLetter,
  type DeadLetter,
} from '../projector/mod.ts';
import { parsePositiveInt } from './options.ts';
import { cliConfig } from './cli-config.ts';
import {
  connectionOverrides,
  withConnectionOptions,
  type ConnectionOptions,
} from './connection-options.ts';

/** Injection points for tests; by default the config is `cliConfig` with the connection flags, output goes to stdout. */
export interface DlqCommandOptions {
  readonly config?: () => Config;
  readonly write?: (text: string) => void;
}

/**
 * `teampulse dlq list|show <seq>|retry <seq>|retry --all|purge <seq>|purge --all --yes`:
 * the dead-letter stream. `<seq>` is the dead letter's sequence in the DLQ stream (the
 * first column of `list`). A retry runs the event through the projector's own batch code
 * (idempotent) and deletes the dead letter only when that succeeded.
 */
export function registerDlqCommands(program: Command, opts: DlqCommandOptions = {}): void {
  const write = opts.write ?? ((text: string) => void process.stdout.write(text));
  const dlq = withConnectionOptions(
    program.command('dlq').description('dead-lettered events: list, show, retry, purge'),
  );
  const config =
    opts.config ?? (() => cliConfig(connectionOverrides(dlq.opts<ConnectionOptions>())).config);

  const withNats = async <T>(
    fn: (nats: Awaited<ReturnType<typeof natsOf>>) => Promise<T>,
  ): Promise<T> => {
    const nats = await natsOf(config());
    try {
      return await fn(nats);
    } finally {
      await nats.nc.drain();
    }
  };

  dlq
    .command('list')
    .description('list dead letters, oldest first')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 100)
    .option('--json', 'one JSON object per line')
    .action(async (o: { limit: number; json?: boolean }) => {
      const letters = await withNats(({ js, jsm }) => listDeadLetters(js, jsm, o.limit));
      if (o.json) {
        for (const l of letters) write(JSON.stringify(summary(l)) + '\n');
        return;
      }
      if (letters.length === 0) {
        write('no dead letters\n');
        return;
      }
      write(
        `${'SEQ'.padEnd(6)}${'FAILED AT'.padEnd(26)}${'TRIES'.padEnd(7)}${'CODE'.padEnd(18)}${'LOG SEQ'.padEnd(9)}SUBJECT / ERROR\n`,
      );
      for (const l of letters) {
        write(
          `${String(l.dlqSeq).padEnd(6)}${l.failedAt.padEnd(26)}${String(l.attempts).padEnd(7)}${l.errorCode.padEnd(18)}` +
            `${String(l.streamSeq).padEnd(9)}${l.originalSubject}\n${' '.repeat(66)}${l.error.slice(0, 160)}\n`,
        );
      }
    });

  dlq
    .command('show')
    .description('one dead letter: its headers, error and body')
    .argument('<seq>', 'dead-letter sequence (first column of `list`)', parsePositiveInt)
    .option(
      '--body-chars <n>',
      'print at most this many characters of the body',
      parsePositiveInt,
      4000,
    )
    .action(async (seq: number, o: { bodyChars: number }) => {
      const letter = await withNats(({ jsm }) => getDeadLetter(jsm, seq));
      if (!letter) {
        write(`no dead letter ${seq}\n`);
        process.exitCode = 1;
        return;
      }
      const headers: Record<string, string> = {};
      for (const key of letter.original.headers?.keys() ?? [])
        headers[key] = letter.original.headers?.get(key) ?? '';
      const body = Buffer.from(letter.original.data).toString('utf8');
      write(
        JSON.stringify(
          {
            ...summary(letter),
            headers,
            body: body.length > o.bodyChars ? `${body.slice(0, o.bodyChars)}…` : body,
          },
          null,
          2,
        ) + '\n',
      );
    });

  dlq
    .command('retry')
    .description('run dead letters through the projector again; each is deleted once it applies')
    .argument('[seq]', 'dead-letter sequence (first column of `list`)', parsePositiveInt)
    .option('--all', 'every dead letter')
    .action(async (seq: number | undefined, o: { all?: boolean }) => {
      if ((seq === undefined) === !o.all)
        throw new TeamPulseError('usage', 'give a dead-letter sequence or --all');
      const cfg = config();
      const ctx = await openProjectorContext(cfg, {}, { role: 'admin' });
      try {
        const letters = o.all
          ? await listDeadLetters(ctx.js, ctx.jsm, Number.MAX_SAFE_INTEGER)
          : [await getDeadLetter(ctx.jsm, seq!)].filter((l): l is DeadLetter => l !== undefined);
        if (letters.length === 0) write(o.all ? 'no dead letters\n' : `no dead letter ${seq}\n`);
        if (!o.all && letters.length === 0) process.exitCode = 1;
        for (const letter of letters) {
          const result = await retryDeadLetter(ctx.jsm, letter, (msg) => applyLogMessage(ctx, msg));
          write(
            result.ok
              ? `${letter.dlqSeq}: applied and removed\n`
              : `${letter.dlqSeq}: failed again: ${result.error}\n`,
          );
          if (!result.ok) process.exitCode = 1;
        }
      } finally {
        await ctx.close();
      }
    });

  dlq
    .command('purge')
    .description('delete one dead letter, or all with --all --yes')
    .argument('[seq]', 'dead-letter sequence (first column of `list`)', parsePositiveInt)
    .option('--all', 'every dead letter')
    .option('--yes', 'confirm deleting all')
    .action(async (seq: number | undefined, o: { all?: boolean; yes?: boolean }) => {
      if (seq === undefined && !(o.all && o.yes))
        throw new TeamPulseError('usage', 'give a dead-letter sequence, or --all --yes');
      const n = await withNats(({ jsm }) => purgeDeadLetters(jsm, seq));
      write(`purged ${n}\n`);
    });
}

async function natsOf(cfg: Config) {
  const nc = await connectNats(cfg, { name: 'teampulse-dlq', role: 'admin' });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, cfg, [Streams.dlq.name]);
  return { nc, js: jetstream(nc), jsm };
}

function summary(l: DeadLetter) {
  return {
    seq: l.dlqSeq,
    originalSubject: l.originalSubject,
    streamSeq: l.streamSeq,
    deliveryId: l.deliveryId,
    errorCode: l.errorCode,
    error: l.error,
    attempts: l.attempts,
    failedAt: l.failedAt,
    bytes: l.size,
  };
}
