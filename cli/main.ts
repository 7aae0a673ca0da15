import { Command, CommanderError } from 'commander';
import { TeamPulseError } from '../platform/errors.ts';
import { registerSimulateCommand } from './simulate.ts';
import { registerSecretsCommands } from './secrets.ts';
import { registerUpCommand } from './up.ts';
import { registerDlqCommands } from './dlq.ts';
import { registerTokenCommands } from './token.ts';
import { registerReplayCommands } from './replay.ts';
import { registerBackfillCommand } from './backfill.ts';
import { registerNatsAuthCommands } from './nats-auth.ts';
import { registerTailCommand } from './tail.ts';

const program = new Command('teampulse')
  .description(
    'TeamPulse: live engineering-activity metrics from GitHub webhooks, on NATS JetStream',
  )
  // A bad flag or argument is one line naming it, like a bad variable (see below).
  .configureOutput({
    outputError: (text, write) =>
      write(`teampulse: ${text.trim().replace(/^error: /, '')} (see --help)\n`),
  })
  .exitOverride();

registerUpCommand(program);
registerSimulateCommand(program);
registerSecretsCommands(program);
registerTokenCommands(program);
registerDlqCommands(program);
registerReplayCommands(program);
registerBackfillCommand(program);
registerNatsAuthCommands(program);
registerTailCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  // Known errors are one clear line; anything else keeps its stack for a bug report.
  process.stderr.write(
    err instanceof TeamPulseError
      ? `teampulse: ${err.message}\n`
      : `${(err as Error).stack ?? String(err)}\n`,
  );
  process.exit(1);
}
