/**
 * Writes `deploy/nats.conf`, the NATS config shipped for docker-compose, from the same
 * function the test servers use: `npx tsx scripts/render-nats-config.ts`; and
 * `deploy/nats-cluster.conf`, the config of the `cluster` profile's three nodes.
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

/** Nodes of docker-compose's `cluster` profile (services nats-1..3, `--name` sets each one's server_name). */
export const CLUSTER_NODES = ['nats-1', 'nats-2', 'nats-3'] as const;

/** `deploy/nats-cluster.conf`: the shipped config plus a `cluster {}` routing to every node. */
export const SHIPPED_NATS_CLUSTER_OPTIONS = {
  host: SHIPPED_NATS_OPTIONS.host,
  port: SHIPPED_NATS_OPTIONS.port,
  storeDir: SHIPPED_NATS_OPTIONS.storeDir,
  httpPort: SHIPPED_NATS_OPTIONS.httpPort,
  syncAlways: true,
  include: SHIPPED_NATS_OPTIONS.include,
  cluster: {
    name: 'teampulse',
    port: 6222,
    routes: CLUSTER_NODES.map((node) => `nats-route://${node}:6222`),
  },
} as const;

if (process.argv[1]?.endsWith('render-nats-config.ts')) {
  writeFileSync(
    new URL('../deploy/nats.conf', import.meta.url),
    renderNatsConfig(SHIPPED_NATS_OPTIONS),
  );
  writeFileSync(
    new URL('../deploy/nats-cluster.conf', import.meta.url),
    renderNatsConfig(SHIPPED_NATS_CLUSTER_OPTIONS),
  );
}
