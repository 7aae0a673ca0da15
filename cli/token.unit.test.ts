import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseTtl } from './token.ts';

describe('token command', () => {
  it('token command - TTLs take s, m, h, d units, a bare number is seconds', () => {
    expect(parseTtl('90s')).toBe(90);
    expect(parseTtl('15m')).toBe(900);
    expect(parseTtl('1h')).toBe(3600);
    expect(parseTtl('7d')).toBe(604_800);
    expect(parseTtl('45')).toBe(45);
    for (const bad of ['0', '1w', '-5m', 'h', ''])
      expect(() => parseTtl(bad)).toThrow(InvalidArgumentError);
  });
});
