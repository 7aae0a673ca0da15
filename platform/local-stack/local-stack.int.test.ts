import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { natsAs } from '../../test/support/nats-as.ts';
import {
  ensureBinary,
  freePort,
  LocalStackError,
  LocalStackErrorCode,
  renderNatsConfig,
  startLocalStack,
  startRedis,
  startServerProcess,
  validateNatsConfig,
  type LocalStack,
} from './mod.ts';

let root: string;
let stack: LocalStack;
let warmStartMs: number;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'teampulse-local-stack-test-'));
  const started = performance.now();
  stack = await startLocalStack({ dataDir: join(root, 'stack') });
  warmStartMs = performance.now() - started;
  // The globalSetup built or found the binaries already, so this is a warm start.
  console.info(
    `local-stack: warm start of nats+redis+${stack.mongo.kind} took ${warmStartMs.toFixed(0)} ms`,
  );
});

afterAll(async () => {
  await stack?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  // An orphan that exited stays a zombie until its new parent reaps it; in a container
  // whose init does not reap, that can be forever. A zombie runs nothing: count it dead.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('local-stack - NATS answers with JetStream enabled and the shipped max_payload', async () => {
  const nc = await connect({
    servers: stack.natsUrl,
    reconnect: false,
    ...natsAs(stack.nats.auth!.creds, 'admin'),
  });
  try {
    const jsm = await jetstreamManager(nc);
    const account = await jsm.getAccountInfo();
    expect(account.streams).toBe(0);
    expect(nc.info?.max_payload).toBe(8 * 1024 * 1024);
    expect(nc.info?.jetstream).toBe(true);
  } finally {
    await nc.close();
  }
});

test('local-stack - NATS refuses a connection without credentials', async () => {
  await expect(connect({ servers: stack.natsUrl, reconnect: false })).rejects.toThrow(
    /Authorization Violation/,
  );
  expect(stack.nats.auth?.dir).toBe(join(root, 'stack', 'nats-auth'));
});

test('local-stack - Redis answers PING', async () => {
  const redis = new Redis(stack.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    await redis.set('k', 'v');
    expect(await redis.get('k')).toBe('v');
  } finally {
    redis.disconnect();
  }
});

test('local-stack - MongoDB answers ping and round-trips a document', async () => {
  const client = new MongoClient(stack.mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    const ping = await client.db('admin').command({ ping: 1 });
    expect(ping.ok).toBe(1);
    const col = client.db('local_stack_test').collection<{ _id: string; n: number }>('docs');
    await col.insertOne({ _id: 'a', n: 42 });
    expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 42 });
  } finally {
    await client.close();
  }
});

test('local-stack - every server listens on loopback only', async () => {
  const ports = [stack.nats.port, stack.redis.port, stack.mongo.port];
  for (const url of [stack.natsUrl, stack.redisUrl, stack.mongoUrl]) {
    expect(new URL(url).hostname).toBe('127.0.0.1');
  }
  const external = Object.values(networkInterfaces())
    .flat()
    .find((nic) => nic !== undefined && nic.family === 'IPv4' && !nic.internal);
  // Reached only where the machine has a non-loopback address (CI machines do).
  if (external !== undefined) {
    for (const port of ports) expect(await refused(external.address, port)).toBe(true);
  }
  for (const port of ports) expect(await refused('127.0.0.1', port)).toBe(false);
});

test('local-stack - NATS restart keeps a stream and its messages', async () => {
  const before = stack.nats.pid;
  let nc = await connect({
    servers: stack.natsUrl,
    reconnect: false,
    ...natsAs(stack.nats.auth!.creds, 'admin'),
  });
  const jsm = await jetstreamManager(nc);
  // Admin may publish to dlq.> (and no made-up subject): auth is on.
  await jsm.streams.add({ name: 'RESTART', subjects: ['dlq.restart.>'] });
  const js = jetstream(nc);
  for (let i = 0; i < 3; i++) await js.publish(`dlq.restart.${i}`, `m${i}`);
  await nc.close();

  await stack.nats.restart();
  expect(stack.nats.pid).not.toBe(before);
  expect(isAlive(before ?? -1)).toBe(false);

  nc = await connect({
    servers: stack.natsUrl,
    reconnect: false,
    ...natsAs(stack.nats.auth!.creds, 'admin'),
  });
  try {
    const info = await (await jetstreamManager(nc)).streams.info('RESTART');
    expect(info.state.messages).toBe(3);
    expect(info.state.last_seq).toBe(3);
  } finally {
    await nc.close();
  }
});

test('local-stack - renderNatsConfig passes the real server, a broken config is rejected', async () => {
  const dir = join(root, 'config');
  await mkdir(dir, { recursive: true });
  const good = join(dir, 'good.conf');
  const text = renderNatsConfig({
    port: 4222,
    storeDir: join(dir, 'js'),
    httpPort: 8222,
    serverName: 'tp',
  });
  expect(text).toContain('sync_interval: always');
  expect(text).toContain(`max_payload: ${8 * 1024 * 1024}`);
  await writeFile(good, text);
  await expect(validateNatsConfig(good)).resolves.toBeUndefined();

  const bad = join(dir, 'bad.conf');
  await writeFile(bad, `${text}\nmax_paylod: 1024\n`);
  const error = await validateNatsConfig(bad).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(LocalStackError);
  expect((error as LocalStackError).code).toBe(LocalStackErrorCode.ConfigInvalid);
  expect((error as LocalStackError).message).toMatch(/unknown field "max_paylod"/);
});

test('local-stack - a server that dies at start fails with its log tail', async () => {
  const redis = await ensureBinary('redis-server');
  expect(redis).toBeDefined();
  const port = await freePort();
  const error = await startServerProcess({
    name: 'redis-server',
    command: redis ?? 'redis-server',
    args: ['--port', String(port), '--no-such-directive', 'x'],
    logFile: join(root, 'bad-redis.log'),
    port,
  }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(LocalStackError);
  expect((error as LocalStackError).code).toBe(LocalStackErrorCode.ExitedEarly);
  expect((error as LocalStackError).message).toMatch(/Bad directive|no-such-directive/);
});

test('local-stack - a fixed port already taken fails as PORT_IN_USE', async () => {
  const blocker: Server = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    const error = await startRedis({ dataDir: join(root, 'taken'), port }).then(
      async (server) => {
        await server.stop();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect((error as LocalStackError | undefined)?.code).toBe(LocalStackErrorCode.PortInUse);
  } finally {
    blocker.close();
  }
});

test('local-stack - stop() leaves no child process running', async () => {
  const own = await startLocalStack({ dataDir: join(root, 'stopped') });
  const pids = [own.nats.pid, own.redis.pid, own.mongo.pid];
  for (const pid of pids) expect(isAlive(pid ?? -1)).toBe(true);
  await own.stop();
  for (const pid of pids) expect(isAlive(pid ?? -1)).toBe(false);
  expect([own.nats.pid, own.redis.pid, own.mongo.pid]).toEqual([undefined, undefined, undefined]);
});

// A parent that starts a Redis, prints its pid, and then waits to be killed.
const ORPHAN_SCRIPT = `
import { startRedis } from ${JSON.stringify(fileURLToPath(new URL('./mod.ts', import.meta.url)))};
const server = await startRedis({ dataDir: process.argv[2] });
console.log('PID ' + server.pid);
setInterval(() => {}, 1000);
`;

/** Starts the parent, kills it with `signal`; resolves with Redis's pid and how the parent ended. */
async function orphanRedisPid(
  signal: NodeJS.Signals,
): Promise<{ pid: number; parentEnded: Promise<NodeJS.Signals | number | null> }> {
  const dir = await mkdtemp(join(root, 'orphan-'));
  const script = join(dir, 'parent.mts');
  await writeFile(script, ORPHAN_SCRIPT);
  const parent = spawn(process.execPath, ['--import', 'tsx', script, dir], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const parentEnded = new Promise<NodeJS.Signals | number | null>((resolve) =>
    parent.once('exit', (code, sig) => resolve(sig ?? code)),
  );
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PID (\d+)/.exec(out);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    parent.once('exit', (code) => reject(new Error(`parent exited early (${code}): ${out}`)));
  });
  expect(isAlive(pid)).toBe(true);
  parent.kill(signal);
  return { pid, parentEnded };
}

test('local-stack - servers die with a parent that is SIGTERMed, which still exits', async () => {
  const { pid, parentEnded } = await orphanRedisPid('SIGTERM');
  // The exit hook must not swallow the signal: the parent ends as if it had no handler.
  expect(await parentEnded).toBe('SIGTERM');
  expect(await waitUntilGone(pid, 10_000)).toBe(true);
});

test('local-stack - servers die with a parent that is SIGKILLed (no exit hook runs)', async () => {
  const { pid, parentEnded } = await orphanRedisPid('SIGKILL');
  expect(await parentEnded).toBe('SIGKILL');
  expect(await waitUntilGone(pid, 10_000)).toBe(true);
});
