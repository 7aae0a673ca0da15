import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import {
  startLocalStack,
  freePort,
  type StartLocalStackOptions,
} from '../platform/local-stack/mod.ts';
import { credsPaths } from '../platform/nats-auth/mod.ts';
import { startIngest } from '../ingest/mod.ts';
import { startProjector } from '../projector/mod.ts';
import { startGateway, mintToken } from '../gateway/mod.ts';
import { firstOfMonth, utcDay } from '../schemas/utc-day.ts';
import { DEV_WEBHOOK_SECRET } from './dev-defaults.ts';
import { cliConfig } from './cli-config.ts';

async function portOrFree(wanted: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => void freePort().then(res));
    s.listen(wanted, '127.0.0.1', () => s.close(() => res(wanted)));
  });
}

/**
 * The servers `teampulse up` starts: every one keeps its data in `dataDir` between runs,
 * Redis too (AOF, fsynced every second).
 */
export function upStackOptions(
  dataDir: string,
  ports: StartLocalStackOptions['ports'] = {},
  cluster = false,
): StartLocalStackOptions {
  return {
    dataDir,
    ports,
    redis: { appendOnly: true },
    ...(cluster ? { natsCluster: CLUSTER_SIZE } : {}),
  };
}

/** Nodes of `teampulse up --cluster`; its streams are created with this many replicas. */
export const CLUSTER_SIZE = 3;

/**
 * `teampulse up`: the whole pipeline on this machine with no configuration. Without
 * NATS_URL/MONGO_URL/REDIS_URL it starts the servers itself (data kept in `.data/stack`),
 * then runs ingest, projector and gateway in this process until Ctrl-C.
 */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('start the whole pipeline locally (servers included), until Ctrl-C')
    .option('--data-dir <dir>', 'where the local servers keep their data', '.data/stack')
    .option(
      '--cluster',
      `run NATS as a ${CLUSTER_SIZE}-node cluster, streams replicated ${CLUSTER_SIZE}×`,
    )
    .action(async (opts: { dataDir: string; cluster?: boolean }) => {
      // Parsed before anything starts, so a bad variable stops `up` at once.
      const given = cliConfig();
      const logger = createLogger({ level: given.config.LOG_LEVEL, role: 'up' });
      const external =
        given.given('NATS_URL') && given.given('MONGO_URL') && given.given('REDIS_URL');
      const dataDir = resolve(opts.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const stack = external
        ? undefined
        : await startLocalStack(
            upStackOptions(
              dataDir,
              {
                nats: await portOrFree(4222),
                redis: await portOrFree(6379),
                mongo: await portOrFree(27017),
              },
              opts.cluster === true,
            ),
          );
      const stackVars = stack
        ? {
            NATS_URL: stack.natsUrl,
            MONGO_URL: stack.mongoUrl,
            REDIS_URL: stack.redisUrl,
            ...(stack.natsCluster === undefined ? {} : { STREAM_REPLICAS: String(CLUSTER_SIZE) }),
          }
        : {};
      const cfg = stack ? cliConfig(stackVars).config : given.config;
      // Auth is on: each role connects with its own creds from the stack's auth dir; with
      // an external NATS, from the auth dir NATS_AUTH_DIR names, or else the NATS_CREDS
      // (etc.) of the environment serve every role.
      const auth = stack?.nats.auth;
      const creds =
        auth?.creds ??
        (given.given('NATS_AUTH_DIR') && !given.given('NATS_CREDS')
          ? credsPaths(given.config.NATS_AUTH_DIR)
          : undefined);
      const as = (role: 'ingest' | 'projector' | 'gateway'): Config =>
        creds === undefined ? cfg : cliConfig({ ...stackVars, NATS_CREDS: creds[role] }).config;
      const ingest = await startIngest(as('ingest'), { logger: logger.child({ role: 'ingest' }) });
      const projector = await startProjector(as('projector'), {
        logger: logger.child({ role: 'projector' }),
      });
      const gateway = await startGateway(as('gateway'), {
        logger: logger.child({ role: 'gateway' }),
      });
      const token = await mintToken(cfg, {
        orgs: ['org0', 'org1', 'acme'],
        ttlSeconds: 24 * 3600,
        sub: 'teampulse-up',
      });
      const gw = `http://${cfg.GATEWAY_HOST}:${gateway.port}`;
      const today = utcDay(new Date());
      const monthStart = firstOfMonth(today);
      const lines = [
        '',
        'TeamPulse is up.',
        `  ingest     http://${cfg.INGEST_HOST}:${ingest.port}/api/v1/webhooks/github   (secret: ${given.devDefault('GITHUB_WEBHOOK_SECRET') ? `"${DEV_WEBHOOK_SECRET}" (dev default)` : '$GITHUB_WEBHOOK_SECRET'})`,
        `  dashboard  ${gw}/?token=${token}`,
        `  websocket  ws://${cfg.GATEWAY_HOST}:${gateway.port}/ws?token=<token>`,
        `  api        ${gw}/api/v1/orgs/org0/dashboard?from=${monthStart}&to=${today}  (Authorization: Bearer <token>)`,
        `  projector  http://127.0.0.1:${projector.port}/metrics`,
        ...(auth === undefined
          ? []
          : [
              `  analysts   NATS creds ${auth.creds.analyst}   (read-only; more: npx teampulse nats-creds --role analyst --name <who> --dir ${auth.dir})`,
            ]),
        ...(stack?.natsCluster === undefined
          ? []
          : [
              `  cluster    ${stack.natsCluster.nodes.length} NATS nodes (n0..n${stack.natsCluster.nodes.length - 1}), streams R${cfg.STREAM_REPLICAS}`,
            ]),
        `  nats       ${cfg.NATS_URL}   mongo ${cfg.MONGO_URL}   redis ${cfg.REDIS_URL}${stack ? `   (${stack.mongo.kind}, data in ${dataDir})` : ''}`,
        `  token      ${token}   (orgs org0, org1, acme; 24 h)`,
        '',
        'Send signed test pushes:  npx teampulse simulate --count 20',
        'Ctrl-C stops everything.',
        '',
      ];
      process.stdout.write(lines.join('\n'));
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void (async () => {
          await ingest.stop();
          await projector.stop();
          await gateway.stop();
          await stack?.stop();
          process.exit(0);
        })();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
