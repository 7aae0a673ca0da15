import type { Command } from 'commander';
import type { Config } from '../platform/config.ts';
import { connectNats } from '../platform/nats.ts';
import { cliConfig } from './cli-config.ts';
import { parsePositiveInt } from './options.ts';
import { planTail, TailOutputs, TailSources, type TailOptions } from './tail/plan.ts';
import { runTail } from './tail/run-tail.ts';

/** Injection points for tests; defaults read the environment and print to stdout. */
export interface TailCommandOptions {
  readonly config?: () => Config;
  readonly write?: (text: string) => void;
}

/**
 * `teampulse tail`: read the log (or UPDATES, or alerts) as a person would, through an
 * ordered consumer. Filters by event/org/repo or a raw subject; starts at a time, a
 * sequence, the last n messages, or (default) new messages only; follows until Ctrl-C or,
 * with `--until-end`, stops at the stream's last message at start. Credentials come from
 * the configuration (NATS_CREDS etc.), never from flags.
 */
export function registerTailCommand(program: Command, opts: TailCommandOptions = {}): void {
  const config = opts.config ?? (() => cliConfig().config);
  const write = opts.write ?? ((text: string) => void process.stdout.write(text));
  program
    .command('tail')
    .description('print messages of the log as they come (or from a time, a sequence, the last n)')
    .option(
      '--stream <name>',
      `what to read: ${Object.keys(TailSources).join(', ')} (default github)`,
    )
    .option('--event <name>', 'GitHub event, e.g. push (github stream)')
    .option('--org <owner>', 'owner / org (case-insensitive)')
    .option('--repo <name>', 'repository name or owner/name (updates: the repository id)')
    .option('--subject <filter>', 'a raw subject filter instead, e.g. "github.push.octo.>"')
    .option('--since <time>', 'start at an ISO time or a duration back from now (30m, 1h, 7d)')
    .option('--from-seq <n>', 'start at this stream sequence', parsePositiveInt)
    .option('--last <n>', 'start with the last n matching messages', parsePositiveInt)
    .option('--until-end', "stop at the stream's last message at start instead of following")
    .option('--output <format>', `${TailOutputs.join(' or ')} (default human)`)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  teampulse tail --event push --org octo --since 1h\n' +
        '  teampulse tail --repo octo/hello-world --last 20 --until-end --output ndjson\n' +
        "  teampulse tail --subject 'github.*.octo.>' --from-seq 1000\n" +
        '  teampulse tail --stream updates --org octo\n',
    )
    .action(async (o: TailOptions & { stream?: string }) => {
      const plan = planTail({ ...o, source: o.stream });
      // `teampulse tail … | head` closes the pipe: that ends the tail, quietly.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const cfg = config();
      // As an analyst: tail is the analysts' tool, and the role decides the reply inbox
      // (`_INBOX`), which analyst credentials allow.
      const nc = await connectNats(cfg, { name: 'teampulse-tail', role: 'analyst' });
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runTail(nc, plan, { write, signal: abort.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await nc.close();
      }
    });
}
