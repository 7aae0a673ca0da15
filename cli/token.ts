import { InvalidArgumentError, type Command } from 'commander';
import { cliConfig } from './cli-config.ts';
import { mintToken } from '../gateway/mod.ts';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Parses a TTL such as `90s`, `15m`, `1h`, `7d` (a bare number is seconds). */
export function parseTtl(value: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(value.trim());
  const amount = Number(match?.[1]);
  if (!match || amount <= 0) {
    throw new InvalidArgumentError(`expected a duration like 90s, 15m, 1h or 7d, got "${value}"`);
  }
  return amount * UNIT_SECONDS[(match[2] || 's') as keyof typeof UNIT_SECONDS];
}

function collect(value: string, previous: string[] | undefined): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('an org id cannot be empty');
  return [...(previous ?? []), value.trim()];
}

/**
 * `teampulse token --org acme [--org other] [--ttl 1h] [--sub name]`: prints a gateway token
 * (HS256 JWT signed with the first of GATEWAY_JWT_SECRETS) for the WebSocket and the
 * dashboard API. Only the token goes to stdout, so it can be captured: `T=$(teampulse token --org acme)`.
 */
export function registerTokenCommands(program: Command): void {
  program
    .command('token')
    .description('mint a gateway token (JWT) naming the orgs a dashboard client may see')
    .requiredOption('--org <orgId>', 'an org the token grants (repeat for several)', collect)
    .option('--ttl <duration>', 'lifetime, e.g. 90s, 15m, 1h, 7d', parseTtl, 3600)
    .option('--sub <subject>', 'who the token is for (appears in gateway logs)')
    .action(async (opts: { org: string[]; ttl: number; sub?: string }) => {
      const loaded = cliConfig();
      const cfg = loaded.config;
      if (loaded.devDefault('GATEWAY_JWT_SECRETS'))
        process.stderr.write(
          'teampulse: GATEWAY_JWT_SECRETS is not set; signing with the dev secret of `teampulse up`\n',
        );
      const token = await mintToken(cfg, {
        orgs: opts.org,
        ttlSeconds: opts.ttl,
        ...(opts.sub === undefined ? {} : { sub: opts.sub }),
      });
      process.stdout.write(`${token}\n`);
    });
}
