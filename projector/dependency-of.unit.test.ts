import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { dependencyOf } from './dependency-of.ts';
import { TransientError } from './errors.ts';

describe('dependency of', () => {
  it('dependency of - MongoDB driver errors name mongodb, also wrapped', () => {
    expect(dependencyOf(new MongoNetworkError('connection reset'))).toBe('mongodb');
    expect(
      dependencyOf(new MongoServerSelectionError('no server', { type: 'Unknown' } as never)),
    ).toBe('mongodb');
    expect(
      dependencyOf(new TransientError('batch', { cause: new MongoNetworkError('reset') })),
    ).toBe('mongodb');
  });
  it('dependency of - ioredis failures name redis', () => {
    expect(dependencyOf(new Error('Connection is closed.'))).toBe('redis');
    expect(dependencyOf(new Error('Command timed out'))).toBe('redis');
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit'), {
      name: 'MaxRetriesPerRequestError',
    });
    expect(dependencyOf(maxRetries)).toBe('redis');
    expect(dependencyOf(new Error('LOADING Redis is loading the dataset in memory'))).toBe('redis');
  });
  it('dependency of - nats errors name nats; anything else is other', () => {
    const timeout = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
    expect(dependencyOf(timeout)).toBe('nats');
    expect(dependencyOf(new TransientError('lease on x not free after 60000 ms'))).toBe('other');
    expect(dependencyOf('a string')).toBe('other');
    expect(dependencyOf(undefined)).toBe('other');
  });
});
