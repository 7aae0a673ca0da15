/**
 * The whole pipeline for the end-to-end benches (freshness, soak): the local stack with
 * NATS auth on, the streams, ingest, projector and gateway each as its own child process
 * with its role's credentials, and a WebSocket client in its own process
 * (bench/support/freshness-client.ts) that reports every `commits:update` frame over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { loadConfig, type Config } from '../../platform/config.ts';
import { startLocalStack, freePort, type LocalStack } from '../../platform/local-stack/mod.ts';
import { connectNats } from '../../platform/nats.ts';
import { ensureStreams } from '../../platform/streams.ts';
import { signToken, tokenKeys } from '../../gateway/mod.ts';

/** The roles the pipeline runs, each as its own process. */
export const Roles = ['ingest', 'projector', 'gateway'] as const;
export type Role = (typeof Roles)[number];

/** Runs a TypeScript file in a child Node process (tsx), with IPC. */
export function child(file: string, argv: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file, ...argv], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Polls `ok` every 100 ms until it is true; throws after `timeoutMs`. */
export async function until(
  what: string,
  ok: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
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
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null
          ? new Promise((r) => c.once('exit', r))
          : Promise.resolve(),
      ),
    );
    await closeNats().catch(() => undefined);
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const ports = {
      ingest: await freePort(),
      projector: await freePort(),
      gateway: await freePort(),
    };
    const base = {
      ...process.env,
      NATS_URL: stack.natsUrl,
      MONGO_URL: stack.mongoUrl,
      REDIS_URL: stack.redisUrl,
      MONGO_DB: o.name,
      LOG_LEVEL: 'warn',
      GITHUB_WEBHOOK_SECRET: o.webhookSecret,
      GATEWAY_JWT_SECRETS: o.jwtSecret,
      INGEST_PORT: String(ports.ingest),
      PROJECTOR_PORT: String(ports.projector),
      GATEWAY_PORT: String(ports.gateway),
      DO_NOT_TRACK: 'true',
    };
    const creds = stack.nats.auth!.creds;
    const cfg = loadConfig({}, { ...base, NATS_CREDS: creds.admin });
    const nc = await connectNats(cfg, { name: `bench-${o.name}`, role: 'admin' });
    closeNats = () => nc.close();
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, cfg);
    const procs = {} as Record<Role, ChildProcess>;
    for (const role of Roles) {
      procs[role] = child(`${role}/main.ts`, [], { ...base, NATS_CREDS: creds[role] });
      children.push(procs[role]);
    }
    const http = (role: Role, path: string) => fetch(`http://127.0.0.1:${ports[role]}${path}`);
    await until('ingest', async () => (await http('ingest', '/readyz')).ok);
    await until('projector', async () => (await http('projector', '/metrics')).ok);
    await until('gateway', async () => (await http('gateway', '/readyz')).ok);
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
