import { signToken, startGateway, tokenKeys, type Gateway } from '../../gateway/mod.ts';
import { loadConfig } from '../../platform/config.ts';
import type { NatsServer } from '../../platform/local-stack/mod.ts';

const SECRET = 'bench-gateway-jwt-secret-0123456789abcdef';

/** A gateway in this process on a bench's servers (database `mongoDb`), and a token for `org`. */
export async function benchGateway(o: {
  nats: NatsServer;
  mongoUrl: string;
  mongoDb: string;
  org: string;
}): Promise<{ gateway: Gateway; token: string }> {
  const cfg = loadConfig(
    {},
    {
      NATS_URL: o.nats.url,
      ...(o.nats.auth ? { NATS_CREDS: o.nats.auth.creds.gateway } : {}),
      MONGO_URL: o.mongoUrl,
      MONGO_DB: o.mongoDb,
      GATEWAY_PORT: '0',
      GATEWAY_JWT_SECRETS: SECRET,
      LOG_LEVEL: 'warn',
    },
  );
  const gateway = await startGateway(cfg);
  const keys = tokenKeys([SECRET], cfg.GATEWAY_JWT_AUDIENCE, cfg.GATEWAY_JWT_ISSUER);
  return { gateway, token: await signToken(keys, { orgs: [o.org], ttlSeconds: 3600 }) };
}
