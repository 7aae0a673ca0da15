import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MissingBodyError } from '../../platform/log/read.ts';
import { classifyError } from '../classify-error.ts';
import { PoisonMessageError, ProjectorError } from '../errors.ts';
import { settlementOf } from './settlement.ts';

const policy = { maxDeliver: 3, backoffMs: [100, 500] };

/** How live projection and a rebuild carry out a settlement (runner.ts, rebuild-pass.ts). */
function live(err: unknown, delivery: number): string {
  const s = settlementOf(err, delivery, policy);
  return s.action === 'drop' ? `dead-letter ${s.code}` : `nak ${s.delayMs}`;
}
function rebuild(err: unknown, attempt: number): string {
  const s = settlementOf(err, attempt, policy);
  return s.action === 'drop' ? `skip ${s.code}` : `again after ${s.delayMs}`;
}

describe('settlement', () => {
  // One row per error class: its outcome, then what live and a rebuild do on the first
  // try and on the last. Dropped (dead letter / skip) at exactly the same tries in both.
  const classes: [string, unknown, string, string[], string[]][] = [
    [
      'schema-invalid payload',
      new PoisonMessageError('bad'),
      'poison',
      ['dead-letter schema_invalid', 'dead-letter schema_invalid'],
      ['skip schema_invalid', 'skip schema_invalid'],
    ],
    [
      'no identity',
      new ProjectorError('identity_invalid', 'x'),
      'poison',
      ['dead-letter identity_invalid', 'dead-letter identity_invalid'],
      ['skip identity_invalid', 'skip identity_invalid'],
    ],
    [
      'body missing from the object store',
      new MissingBodyError('d-1'),
      'poison',
      ['dead-letter body_missing', 'dead-letter body_missing'],
      ['skip body_missing', 'skip body_missing'],
    ],
    [
      'any other failure',
      new MongoServerError({ message: 'bad doc', code: 2 }),
      'failure',
      ['nak 100', 'dead-letter projection_failed'],
      ['again after 100', 'skip projection_failed'],
    ],
    [
      'a thrown TypeError',
      new TypeError('x is undefined'),
      'failure',
      ['nak 100', 'dead-letter projection_failed'],
      ['again after 100', 'skip projection_failed'],
    ],
  ];
  for (const [name, err, outcome, liveTries, rebuildTries] of classes) {
    it(`settlement - ${name}: ${outcome}, live ${liveTries.join(' / ')}, rebuild ${rebuildTries.join(' / ')}`, () => {
      expect(classifyError(err)).toBe(outcome);
      expect([live(err, 1), live(err, policy.maxDeliver)]).toEqual(liveTries);
      expect([rebuild(err, 1), rebuild(err, policy.maxDeliver)]).toEqual(rebuildTries);
    });
  }

  it('settlement - the backoff follows the tries and its last delay repeats', () => {
    const err = new Error('boom');
    expect(live(err, 2)).toBe('nak 500');
    expect(settlementOf(err, 3, { maxDeliver: 5, backoffMs: [100, 500] })).toEqual({
      action: 'retry',
      delayMs: 500,
    });
  });
});
