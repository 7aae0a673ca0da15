import { InvalidArgumentError } from 'commander';

/** commander parser for a positive integer option; the message names the problem. */
export function parsePositiveInt(value: string, _previous?: unknown, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new InvalidArgumentError(
      `expected a ${allowZero ? 'non-negative' : 'positive'} whole number, got "${value}"`,
    );
  }
  return n;
}

/** commander parser for an ISO time option; the message names the problem. */
export function parseTime(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new InvalidArgumentError(`expected an ISO time, got "${value}"`);
  return at;
}
