import type { Db } from 'mongodb';
import { currentTarget, type ReadModelTarget } from '../../platform/read-model-target.ts';

/**
 * The current read-model target, re-read at most every `ttlMs`: a replay switches the
 * pointer to a rebuilt version, and the API follows within that time without reading the
 * pointer on every request.
 */
export class TargetCache {
  #value: ReadModelTarget | undefined;
  #readAt = 0;
  #reading: Promise<ReadModelTarget> | undefined;

  private readonly db: Db;
  private readonly ttlMs: number;

  constructor(db: Db, ttlMs: number = 1000) {
    this.db = db;
    this.ttlMs = ttlMs;
  }

  get(now = Date.now()): Promise<ReadModelTarget> {
    if (this.#value !== undefined && now - this.#readAt < this.ttlMs)
      return Promise.resolve(this.#value);
    this.#reading ??= currentTarget(this.db).then(
      (target) => {
        this.#value = target;
        this.#readAt = Date.now();
        this.#reading = undefined;
        return target;
      },
      (err: unknown) => {
        this.#reading = undefined;
        throw err;
      },
    );
    return this.#reading;
  }
}
