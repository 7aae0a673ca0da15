import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStackError, LocalStackErrorCode } from './errors.ts';
import { portIsFree } from './ports.ts';
import { forgetPid, reapOnDeath } from './reaper.ts';

/** How a server child is launched and when it counts as started. */
export interface ServerProcessOptions {
  /** Short name for messages, e.g. `nats-server`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr are appended here; its tail is quoted when start-up fails. */
  readonly logFile: string;
  /** The server counts as started once 127.0.0.1:`port` accepts a connection. */
  readonly port: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Default 20 s. */
  readonly readyTimeoutMs?: number;
}

/** A running server child. */
export interface ServerProcess {
  readonly pid: number;
  /** Resolves when the child has exited (and been reaped, so its pid is gone). */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutMs` (default 10 s); resolves once it exited. */
  stop(options?: { readonly timeoutMs?: number; readonly signal?: NodeJS.Signals }): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

/**
 * Start a server child and wait until its port accepts connections. Fails with the log's
 * tail when the child exits first (`PORT_IN_USE` when the log says the port was taken, so
 * callers can retry on another) or when it is not ready in time.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  installExitHooks();
  if (!(await portIsFree(options.port))) {
    throw new LocalStackError(
      LocalStackErrorCode.PortInUse,
      `${options.name}: 127.0.0.1:${options.port} is already in use by another process`,
    );
  }
  const fd = openSync(options.logFile, 'a');
  writeSync(fd, `\n--- ${new Date().toISOString()} ${options.command} ${options.args.join(' ')}\n`);
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    const done = (info: string): void => {
      exitInfo ??= info;
      live.delete(child);
      if (child.pid !== undefined) forgetPid(child.pid);
      resolve();
    };
    child.once('exit', (code, signal) => done(signal ? `signal ${signal}` : `code ${code}`));
    child.once('error', (err) => done(err.message));
  });
  if (child.pid === undefined) {
    await exited;
    throw startError(options, LocalStackErrorCode.ExitedEarly, `could not start: ${exitInfo}`);
  }
  const pid = child.pid;
  live.add(child);
  reapOnDeath(pid);

  const stop = async (
    opts: { readonly timeoutMs?: number; readonly signal?: NodeJS.Signals } = {},
  ): Promise<void> => {
    if (exitInfo !== undefined) return exited;
    child.kill(opts.signal ?? 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exitInfo !== undefined) {
      const tail = logTail(options.logFile);
      const code = /address already in use|EADDRINUSE/i.test(tail)
        ? LocalStackErrorCode.PortInUse
        : LocalStackErrorCode.ExitedEarly;
      throw startError(options, code, `exited (${exitInfo}) before accepting connections`, tail);
    }
    if (await accepts(options.port)) break;
    if (Date.now() > deadline) {
      await stop({ timeoutMs: 2_000 });
      throw startError(
        options,
        LocalStackErrorCode.StartTimeout,
        `did not accept connections on 127.0.0.1:${options.port} within ${options.readyTimeoutMs ?? 20_000} ms`,
      );
    }
    await sleep(50);
  }
  return { pid, exited, stop };
}

function startError(
  options: ServerProcessOptions,
  code: LocalStackErrorCode,
  what: string,
  tail = logTail(options.logFile),
): LocalStackError {
  return new LocalStackError(
    code,
    `${options.name} ${what}; log ${options.logFile} ends with:\n${tail}`,
  );
}

/** The last lines of a log, for error messages. */
export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Servers must not outlive the process that started them. On a normal exit every live
 * child gets SIGTERM synchronously (an 'exit' handler cannot wait); the reaper covers
 * deaths where no handler runs. On SIGINT / SIGTERM with no other listener the children
 * get SIGTERM and the signal is raised again (Node's default, exit). With another
 * listener (`teampulse up`), that listener decides: it stops the roles first, which still
 * need the servers to drain, then the servers; killing them here would pull NATS out
 * from under the roles' last requests.
 */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = (): void => {
    for (const child of live) child.kill('SIGTERM');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
