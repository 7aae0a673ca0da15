import { signToken, startGateway, tokenKeys } from '../../gateway/mod.ts';
import { loadConfig } from '../../platform/config.ts';
import type { NatsServer } from '../../platform/local-stack/mod.ts';
import { startRole } from '../../test/support/role-process.ts';

const SECRET = 'bench-gateway-jwt-secret-0123456789abcdef';

/** A bench's gateway: its port, how to stop it, and a token for the bench's org. */
export interface BenchGateway {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A gateway on a bench's servers (database `mongoDb`), and a token for `org`. In this
 * process by default; with `process: true` as a child process (`gateway/main.ts`), as it
 * runs in production: a bench that also drives a browser from this process must not share
 * its event loop with the gateway (Playwright's protocol traffic during a page load would
 * be timed as the gateway's).
 */
export async function benchGateway(o: {
  nats: NatsServer;
  mongoUrl: string;
  mongoDb: string;
  org: string;
  process?: boolean;
  /** More settings for the gateway (e.g. `GATEWAY_DAY_CACHE_MB`). */
  env?: Record<string, string>;
}): Promise<{ gateway: BenchGateway; token: string }> {
  const env = {
    NATS_URL: o.nats.url,
    ...(o.nats.auth ? { NATS_CREDS: o.nats.auth.creds.gateway } : {}),
    MONGO_URL: o.mongoUrl,
    MONGO_DB: o.mongoDb,
    GATEWAY_PORT: '0',
    GATEWAY_JWT_SECRETS: SECRET,
    LOG_LEVEL: 'warn',
    ...o.env,
  };
  const cfg = loadConfig({}, env);
  const keys = tokenKeys([SECRET], cfg.GATEWAY_JWT_AUDIENCE, cfg.GATEWAY_JWT_ISSUER);
  const token = await signToken(keys, { orgs: [o.org], ttlSeconds: 3600 });
  if (o.process) {
    const child = await startRole('gateway/main.ts', {
      env: { ...env, LOG_LEVEL: 'info' },
      readyMsg: 'gateway listening',
    });
    return { gateway: { port: Number(new URL(child.base).port), stop: () => child.stop() }, token };
  }
  const gateway = await startGateway(cfg);
  return { gateway, token };
}
