/** Test support: the real `teampulse` command as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../platform/config.ts';
import { connectNats, type NatsConnection } from '../../platform/nats.ts';
import type { TestServers } from '../../test/support/servers.ts';

const BIN = fileURLToPath(new URL('../../bin/teampulse.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a finished command left behind. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The child's environment: only what is given (plus PATH and HOME), so variables of the
 * test run itself cannot leak into the command under test.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOG_LEVEL: 'warn',
    DO_NOT_TRACK: 'true',
    ...env,
  };
}

/** The variables that point an operator command at a test's servers (NATS as `admin`). */
export function serverEnv(servers: TestServers): Record<string, string> {
  return {
    ...servers.natsEnv('admin'),
    MONGO_URL: servers.mongoUrl,
    MONGO_DB: servers.mongoDbName,
    REDIS_URL: servers.redisUrl,
  };
}

/** A NATS connection to a test's servers as `admin`, for checking what a command did. */
export function adminNats(servers: TestServers): Promise<NatsConnection> {
  return connectNats(loadConfig({}, servers.natsEnv('admin')), { name: 'cli-test', role: 'admin' });
}

/** Starts `teampulse <args>`; the caller owns the process. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a started command's output until it exits. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `teampulse <args>` to its end (killed after `timeoutMs`). */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  const child = startCli(args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await finished(child);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Per-test timeout of a CLI test: each command starts a fresh Node with the TypeScript
 * loader (seconds on a loaded 2-core machine), and a test runs several.
 */
export const CLI_TEST_TIMEOUT = 120_000;
