/** Test support for replay tests: servers, the projector harness and a replay context. */
import type { Env } from '../../schemas/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { projectorHarness, type Harness } from '../../projector/testing/mod.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { openReplayContext, type ReplayContext } from '../replay-context.ts';

export interface ReplayHarness {
  readonly servers: TestServers;
  readonly h: Harness;
  /** A replay context on the harness's connections. */
  readonly ctx: ReplayContext;
  /** Runs a live projector until everything in the log is applied, then stops it. */
  projectLive(): Promise<void>;
  /** Closes the context and the harness, stops the servers. */
  close(): Promise<void>;
}

/** Starts what a replay test needs; call `close()` in `afterAll`. */
export async function replayHarness(
  overrides: Partial<Record<keyof Env, string>> = {},
): Promise<ReplayHarness> {
  const servers = await useServers();
  let h: Harness | undefined;
  let ctx: ReplayContext;
  try {
    h = await projectorHarness(servers, overrides);
    ctx = await openReplayContext(h.cfg, createLogger({ level: 'silent', role: 'replay' }), {
      nc: h.nc,
      db: h.db,
      redis: h.redis,
    });
  } catch (err) {
    await h?.close();
    await servers.stop();
    throw err;
  }
  return {
    servers,
    h,
    ctx,
    async projectLive() {
      const live = await h.start({ http: false });
      await h.settled();
      await live.stop();
    },
    async close() {
      await ctx.close();
      await h.close();
      await servers.stop();
    },
  };
}
