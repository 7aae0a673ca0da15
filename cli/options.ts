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
