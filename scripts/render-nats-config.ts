/**
 * Writes `deploy/nats.conf`, the NATS config shipped for docker-compose, from the same
 * function the test servers use: `npx tsx scripts/render-nats-config.ts`.
 * A test checks the file equals this output and that nats-server accepts it.
 */
import { writeFileSync } from 'node:fs';
import { renderNatsConfig } from '../platform/local-stack/mod.ts';

/** The options of the shipped config. */
export const SHIPPED_NATS_OPTIONS = {
  host: '0.0.0.0',
  port: 4222,
  storeDir: '/data/jetstream',
  httpPort: 8222,
  serverName: 'teampulse-nats',
  syncAlways: true,
  // Operator/JWT auth: `teampulse nats-auth init --dir` writes this fragment into the auth
  // volume, mounted beside the config (at /etc/nats/auth in docker-compose).
  include: 'auth/nats-auth.conf',
} as const;

if (process.argv[1]?.endsWith('render-nats-config.ts')) {
  writeFileSync(
    new URL('../deploy/nats.conf', import.meta.url),
    renderNatsConfig(SHIPPED_NATS_OPTIONS),
  );
}
