import { headers } from '@nats-io/nats-core';
import type { ObjectStore } from '@nats-io/obj';
import { describe, expect, it } from 'vitest';
import { buildPushPayload } from '../../platform/github/push-payload.ts';
import { targetFor } from '../../platform/read-model-target.ts';
import { LogHeaders } from '../../schemas/streams.ts';
import { TransientError, StoppingError } from '../errors.ts';
import type { BatchDeps } from './apply-batch.ts';
import { noUpdates } from './apply-batch.ts';
import type { LogMessage } from './decode.ts';
import { processBatch, type ProcessingPath } from './process-batch.ts';

// Only the decode and settle stages run here (every message fails before a write); the
// apply and split stages, and a body missing from the object store, run against real
// servers in projector/*.int.test.ts and replay/*.int.test.ts.

const push = buildPushPayload({
  owner: 'acme',
  repo: 'app',
  repoId: 7,
  commits: [{ author: 'ann', timestamp: '2026-03-01T10:00:00Z' }],
});

function message(seq: number, body: string, bodyRef?: string): LogMessage {
  const h = headers();
  if (bodyRef) h.set(LogHeaders.bodyRef, bodyRef);
  return { subject: 'github.push.acme.app', seq, headers: h, data: Buffer.from(body) };
}

function path(
  failed: (msg: LogMessage, err: unknown, attempt: number) => boolean,
  opts: { objects?: () => Promise<ObjectStore>; inspect?: () => void } = {},
) {
  const calls: string[] = [];
  const p: ProcessingPath<LogMessage> = {
    deps: {} as BatchDeps, // never reached: nothing gets past decoding
    sinks: { snapshots: { write: async () => 0 }, updates: noUpdates, checkpoint: 'test' },
    objects: opts.objects ?? (() => Promise.reject(new Error('no object store here'))),
    inspect: opts.inspect,
    settle: {
      guard: (fn) => fn(),
      applied: (msgs) => calls.push(`applied ${msgs.map((m) => m.seq).join(',')}`),
      failed: async (msg, err, attempt) => {
        calls.push(`failed ${msg.seq} ${(err as Error).name} try ${attempt}`);
        return failed(msg, err, attempt);
      },
    },
  };
  return { p, calls };
}

describe('process batch', () => {
  it('process batch - a message that cannot be decoded is settled alone; the others go on', async () => {
    const { p, calls } = path(() => false, { inspect: () => undefined });
    const done = await processBatch(p, targetFor(0), [message(1, 'not json'), message(2, '{}')]);
    expect(done).toBe(false);
    expect(calls).toEqual([
      'failed 1 PoisonMessageError try 1',
      'failed 2 PoisonMessageError try 1',
    ]);
  });

  it('process batch - a failure is tried again while its settlement asks, then left', async () => {
    let tries = 0;
    const { p, calls } = path((_m, _e, attempt) => attempt < 3, {
      inspect: () => {
        tries++;
        throw new TypeError('handler exploded');
      },
    });
    await processBatch(p, targetFor(0), [message(1, JSON.stringify(push))]);
    expect(tries).toBe(3);
    expect(calls).toEqual([
      'failed 1 TypeError try 1',
      'failed 1 TypeError try 2',
      'failed 1 TypeError try 3',
    ]);
  });

  it('process batch - transient and stopping errors are never settled: the message is kept', async () => {
    for (const err of [new TransientError('object store down'), new StoppingError()]) {
      const { p, calls } = path(() => false, { objects: () => Promise.reject(err) });
      await expect(
        processBatch(p, targetFor(0), [message(1, '', 'body-1'), message(2, 'not json')]),
      ).rejects.toBe(err);
      expect(calls).toEqual([]);
    }
  });
});
