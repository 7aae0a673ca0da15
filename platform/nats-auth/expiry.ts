import { NatsAuthError, NatsAuthErrorCode } from './errors.ts';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 } as const;

/**
 * `30d`, `12h`, `90m`, `3600s`, `2w`, `1y` → seconds. Anything else is a
 * `nats_auth_bad_expiry` error quoting the input.
 */
export function parseExpiry(text: string): number {
  const match = /^(\d+)\s*([smhdwy])$/.exec(text.trim());
  const amount = match ? Number(match[1]) : 0;
  if (match === null || amount <= 0) {
    throw new NatsAuthError(
      NatsAuthErrorCode.BadExpiry,
      `--expires ${JSON.stringify(text)}: expected a positive number with a unit s, m, h, d, w or y (e.g. 30d)`,
    );
  }
  return amount * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
