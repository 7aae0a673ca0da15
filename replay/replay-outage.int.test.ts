import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.ts';
import { currentTarget, targetFor } from '../platform/read-model-target.ts';
import { projectorHarness, type Harness } from '../projector/testing/mod.ts';
import { startFaultableServers, type FaultableServers } from '../test/support/servers.ts';
import { openReplayContext, type ReplayContext } from './replay-context.ts';
import { runReplay } from './run-replay.ts';
import { corpus, withoutNamespace } from './testing/corpus.ts';
import { getVersion } from './version-registry.ts';

// A rebuild runs each write once (no in-process retry, unlike live projection): a store that
// dies mid-pass ends the pass with its error, and `--resume` continues from the checkpoint.

let servers: FaultableServers;
let h: Harness;
let ctx: ReplayContext;

beforeAll(async () => {
  servers = await startFaultableServers();
  h = await projectorHarness(servers);
  ctx = await openReplayContext(h.cfg, createLogger({ level: 'silent', role: 'replay' }), {
    nc: h.nc,
    db: h.db,
    redis: h.redis,
  });
  for (const p of corpus(60, 'outage')) await h.append(p);
  const live = await h.start({ http: false });
  await h.settled();
  await live.stop();
});
afterAll(async () => {
  await ctx?.close();
  await h?.close();
  await servers?.stop();
});

describe('replay outage', () => {
  it('replay - MongoDB dying mid-rebuild ends the pass with its error, live untouched; --resume after its return rebuilds exactly', async () => {
    const live = await h.models(targetFor(0));
    let batches = 0;
    let killed: Promise<void> | undefined;
    const progress = {
      begin() {},
      end() {},
      update: () => void (++batches === 2 && (killed = servers.mongo.kill())),
    };
    const err = await runReplay(ctx, { batchSize: 8, progress }).catch((e: unknown) => e);
    await killed;
    // The driver's own error for the lost server (a reset connection, or none to select).
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toMatch(/^Mongo(Network|ServerSelection|NetworkTimeout)Error$/);

    await servers.mongo.restart();
    expect((await currentTarget(h.db)).version).toBe(0);
    expect(await h.models(targetFor(0))).toEqual(live);
    expect((await getVersion(h.db, 1))?.state).toBe('building');

    const summary = await runReplay(ctx, { batchSize: 8, resume: true });
    expect(summary).toMatchObject({ version: 1, resumed: true });
    expect((await currentTarget(h.db)).version).toBe(1);
    const target = targetFor(1);
    expect(withoutNamespace(await h.models(target), target)).toEqual(live);
  });
});
