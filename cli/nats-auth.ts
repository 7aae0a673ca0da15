import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { cliConfig, variableFlag } from './cli-config.ts';
import {
  NatsRoles,
  initAuthDir,
  loadAuthKeys,
  mintUserCreds,
  parseExpiry,
  type NatsRole,
} from '../platform/nats-auth/mod.ts';

function expiryOption(value: string): number {
  try {
    return parseExpiry(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^--expires "[^"]*": /, ''));
  }
}

/** The auth dir: `--dir` over NATS_AUTH_DIR, through the one config parse. */
function authDir(flag: string | undefined): string {
  return cliConfig(flag === undefined ? {} : { NATS_AUTH_DIR: flag }).config.NATS_AUTH_DIR;
}

/**
 * `teampulse nats-auth init --dir <dir>`: the operator, accounts, server fragment and one
 * creds file per role. `teampulse nats-creds --role <role>`: a new user's creds, signed
 * with the account key of the auth dir (`--dir`, default NATS_AUTH_DIR).
 */
export function registerNatsAuthCommands(program: Command): void {
  const auth = program
    .command('nats-auth')
    .description('NATS operator/JWT auth: keys, server config fragment, creds per role');
  auth
    .command('init')
    .description('create the auth dir if missing (an existing one is kept as it is)')
    .option('--dir <dir>', 'the auth dir (overrides NATS_AUTH_DIR)', variableFlag('NATS_AUTH_DIR'))
    .action(async (o: { dir?: string }) => {
      const made = await initAuthDir(authDir(o.dir));
      process.stdout.write(
        [
          `NATS auth dir: ${made.dir}`,
          `  server fragment  ${made.fragment}   (include it from nats-server's config)`,
          ...NatsRoles.map((role) => `  ${role.padEnd(16)} ${made.creds[role]}`),
          '',
        ].join('\n'),
      );
    });

  program
    .command('nats-creds')
    .description('mint a new NATS user for a role; prints the .creds file unless --out')
    .addOption(
      new Option('--role <role>', 'what the user may do').choices(NatsRoles).makeOptionMandatory(),
    )
    .option('--name <who>', 'who holds it (shown in the user JWT and in server reports)')
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h, 1y (default: none)', expiryOption)
    .option('--out <file>', 'write the creds file here (mode 600) instead of stdout')
    .option(
      '--dir <dir>',
      'the auth dir holding the account key (overrides NATS_AUTH_DIR)',
      variableFlag('NATS_AUTH_DIR'),
    )
    .action(
      async (o: {
        role: NatsRole;
        name?: string;
        expires?: number;
        out?: string;
        dir?: string;
      }) => {
        const keys = await loadAuthKeys(authDir(o.dir));
        const creds = await mintUserCreds(keys, o.role, {
          ...(o.name === undefined ? {} : { name: o.name }),
          ...(o.expires === undefined ? {} : { expiresInSeconds: o.expires }),
        });
        if (o.out === undefined) {
          process.stdout.write(creds);
          return;
        }
        await writeFile(o.out, creds, { mode: 0o600 });
        process.stderr.write(`wrote ${o.role} creds to ${o.out}\n`);
      },
    );
}
