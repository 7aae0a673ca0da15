import { Redis } from 'ioredis';

export type { Redis };

/** Connects to Redis; commands queue while it is away and fail after `commandTimeout`. */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    commandTimeout: 5000,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
}
