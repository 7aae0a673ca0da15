import { describe, expect, it } from 'vitest';
import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { classifyError } from './classify-error.ts';
import { PoisonMessageError, ProjectorError, StoppingError, TransientError } from './errors.ts';

describe('classify error', () => {
  it('classify error - projector errors decide by their code', () => {
    expect(classifyError(new PoisonMessageError('bad'))).toBe('poison');
    expect(classifyError(new ProjectorError('identity_invalid', 'x'))).toBe('poison');
    expect(classifyError(new TransientError('x'))).toBe('transient');
    expect(classifyError(new StoppingError())).toBe('stopping');
    expect(classifyError(new ProjectorError('projection_failed', 'x'))).toBe('failure');
  });
  it('classify error - unreachable MongoDB and Redis are transient, also when wrapped', () => {
    expect(classifyError(new MongoNetworkError('connection reset'))).toBe('transient');
    expect(
      classifyError(new MongoServerSelectionError('no server', { type: 'Unknown' } as never)),
    ).toBe('transient');
    expect(classifyError(new MongoServerError({ message: 'shutting down', code: 91 }))).toBe(
      'transient',
    );
    expect(classifyError(new Error('Connection is closed.'))).toBe('transient');
    expect(
      classifyError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe('transient');
    expect(classifyError(new Error('outer', { cause: new Error('Command timed out') }))).toBe(
      'transient',
    );
  });
  it('classify error - a bulk write the driver failed for an unreachable server is transient', () => {
    // What insertMany/bulkWrite throw when the server goes mid-batch or is down: the driver
    // wraps the network or selection error, without a cause.
    const wrap = (err: Error) => new MongoBulkWriteError(err, {} as never);
    expect(classifyError(wrap(new MongoNetworkError('connect ECONNREFUSED')))).toBe('transient');
    expect(
      classifyError(wrap(new MongoServerSelectionError('no server', { type: 'Unknown' } as never))),
    ).toBe('transient');
    // A real write error (not a duplicate) stays a failure.
    const writeFailed = new MongoBulkWriteError(
      { message: 'bad', code: 2, writeErrors: [{ code: 2, index: 0 }] } as never,
      {} as never,
    );
    expect(classifyError(writeFailed)).toBe('failure');
  });
  it('classify error - anything else is a failure', () => {
    expect(classifyError(new MongoServerError({ message: 'bad doc', code: 2 }))).toBe('failure');
    expect(classifyError(new TypeError('x is undefined'))).toBe('failure');
    expect(classifyError('a string')).toBe('failure');
  });
});
