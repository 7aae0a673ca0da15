/**
 * The whole pipeline for the end-to-end benches (freshness, soak): the local stack with
 * NATS auth on, the streams, ingest, projector and gateway each as its own child process
 * with its role's credentials, and a WebSocket client in its own process
 * (bench/support/freshness-client.ts) that reports every `commits:update` frame over IPC.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { loadConfig, type Config } from '../../platform/config.ts';
import { startLocalStack, type LocalStack } from '../../platform/local-stack/mod.ts';
import { connectNats } from '../../platform/nats.ts';
import { ensureStreams } from '../../platform/streams.ts';
import { signToken, tokenKeys } from '../../gateway/mod.ts';
import {
  spawnTs,
  startRole,
  stopChild,
  until,
  type RoleChild,
  type RoleLine,
} from '../../test/support/role-process.ts';

/** The roles the pipeline runs, each as its own process. */
export const Roles = ['ingest', 'projector', 'gateway'] as const;
export type Role = (typeof Roles)[number];

/** How long a child may take to stop cleanly before it is killed. */
const STOP_GRACE_MS = 30_000;

/** The log line each role writes once it listens (its `port` in it). */
const ReadyMsg = {
  ingest: 'ingest listening',
  projector: 'projector running',
  gateway: 'gateway listening',
} as const satisfies Record<Role, string>;

/** Runs a TypeScript file in a child Node process (tsx), its output inherited, with IPC. */
export function child(file: string, argv: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawnTs(file, { argv, env, output: 'inherit', ipc: true });
}

/** A role's warnings and errors go to stderr, as a bench at LOG_LEVEL=warn would print them. */
function echoWarnings(line: RoleLine): void {
  if (line.level >= 40) process.stderr.write(`${JSON.stringify(line)}\n`);
}

/** Options of {@link startPipeline}. */
export interface PipelineOptions {
  /** Names the temp dir, the NATS connection and the MongoDB database. */
  name: string;
  webhookSecret: string;
  jwtSecret: string;
  /** Orgs `org0…` the WebSocket client subscribes to. */
  orgs: number;
}

/** A running pipeline; `stop()` stops the children, then the servers. */
export interface Pipeline {
  stack: LocalStack;
  /** Environment of the roles (without NATS_CREDS). */
  base: NodeJS.ProcessEnv;
  creds: NonNullable<LocalStack['nats']['auth']>['creds'];
  cfg: Config;
  nc: Awaited<ReturnType<typeof connectNats>>;
  jsm: Awaited<ReturnType<typeof jetstreamManager>>;
  js: ReturnType<typeof jetstream>;
  ports: Record<Role, number>;
  procs: Record<Role, ChildProcess>;
  client: ChildProcess;
  /** Adds a child process that `stop()` stops too. */
  adopt(c: ChildProcess): void;
  /** GET on a role's HTTP port. */
  http(role: Role, path: string): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the stack, the roles and the WebSocket client; resolves once all are ready. */
export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const dataDir = await mkdtemp(join(tmpdir(), `teampulse-bench-${o.name}-`));
  const stack = await startLocalStack({ dataDir });
  const children: ChildProcess[] = [];
  let closeNats = async () => {};
  const stop = async () => {
    // A role that hangs in its clean stop is reported and killed, not waited for forever.
    await Promise.all(
      children.map((c) =>
        stopChild(c, 'SIGTERM', {
          killAfterMs: STOP_GRACE_MS,
          onKill: () =>
            console.error(
              `pipeline: ${c.spawnargs[3]} (pid ${c.pid}) did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; SIGKILLed`,
            ),
        }),
      ),
    );
    await closeNats().catch(() => undefined);
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const base = {
      ...process.env,
      NATS_URL: stack.natsUrl,
      MONGO_URL: stack.mongoUrl,
      REDIS_URL: stack.redisUrl,
      MONGO_DB: o.name,
      LOG_LEVEL: 'warn',
      GITHUB_WEBHOOK_SECRET: o.webhookSecret,
      GATEWAY_JWT_SECRETS: o.jwtSecret,
      INGEST_PORT: '0',
      PROJECTOR_PORT: '0',
      GATEWAY_PORT: '0',
      DO_NOT_TRACK: 'true',
    };
    const creds = stack.nats.auth!.creds;
    const cfg = loadConfig({}, { ...base, NATS_CREDS: creds.admin });
    const nc = await connectNats(cfg, { name: `bench-${o.name}`, role: 'admin' });
    closeNats = () => nc.close();
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, cfg);
    const roles = {} as Record<Role, RoleChild>;
    const started = await Promise.allSettled(
      Roles.map(async (role) => {
        roles[role] = await startRole(`${role}/main.ts`, {
          // info for the ready line; warnings and errors are echoed.
          env: { ...base, LOG_LEVEL: 'info', NATS_CREDS: creds[role] },
          readyMsg: ReadyMsg[role],
          onLine: echoWarnings,
        });
        children.push(roles[role].proc);
      }),
    );
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const ports = {} as Record<Role, number>;
    const procs = {} as Record<Role, ChildProcess>;
    for (const r of Roles)
      [ports[r], procs[r]] = [Number(new URL(roles[r].base).port), roles[r].proc];
    const http = (role: Role, path: string) => fetch(`${roles[role].base}${path}`);
    await until('ingest ready', async () => (await http('ingest', '/readyz')).ok);
    await until('gateway ready', async () => (await http('gateway', '/readyz')).ok);
    const keys = tokenKeys([o.jwtSecret], cfg.GATEWAY_JWT_AUDIENCE, cfg.GATEWAY_JWT_ISSUER);
    const orgs = Array.from({ length: o.orgs }, (_, i) => `org${i}`);
    const token = await signToken(keys, { orgs, ttlSeconds: 24 * 3600 });
    const client = child(
      'bench/support/freshness-client.ts',
      [`ws://127.0.0.1:${ports.gateway}/ws?token=${token}`],
      base,
    );
    children.push(client);
    return {
      stack,
      base,
      creds,
      cfg,
      nc,
      jsm,
      js: jetstream(nc),
      ports,
      procs,
      client,
      adopt: (c) => void children.push(c),
      http,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
