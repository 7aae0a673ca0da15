/**
 * A TeamPulse role (`ingest/main.ts`, `projector/main.ts`, `gateway/main.ts`), or any
 * TypeScript entry point, as its own killable child process. One place for what the spool
 * test, the fault suite and the end-to-end benches (freshness, soak) each did: spawn with
 * tsx, wait for the "listening" log line, read its port, stop cleanly or SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** One parsed JSON log line of a role. */
export interface RoleLine {
  readonly level: number;
  readonly time: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Options of {@link spawnTs}. */
export interface SpawnTsOptions {
  readonly argv?: readonly string[];
  /** Its whole environment (PATH and DO_NOT_TRACK=true are added when missing). */
  readonly env: NodeJS.ProcessEnv;
  /** `pipe`: the caller reads stdout/stderr; `inherit`: they go to this process's. */
  readonly output: 'pipe' | 'inherit';
  /** Opens an IPC channel (`process.send` in the child, `'message'` here). */
  readonly ipc?: boolean;
}

/** Runs a TypeScript file in a child Node process through tsx. */
export function spawnTs(file: string, o: SpawnTsOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file, ...(o.argv ?? [])], {
    env: { PATH: process.env.PATH ?? '', DO_NOT_TRACK: 'true', ...o.env },
    stdio: ['ignore', o.output, o.output, ...(o.ipc ? (['ipc'] as const) : [])],
  });
}

/** Resolves once `proc` has exited (at once if it already has). */
export function exitOf(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/**
 * Sends `signal` unless `proc` already exited; resolves once it has. With `killAfterMs`, a
 * process still there after that long is SIGKILLed and `onKill` told (a stop that hangs
 * must not hang its caller too).
 */
export async function stopChild(
  proc: ChildProcess,
  signal: NodeJS.Signals,
  o: { killAfterMs?: number; onKill?: () => void } = {},
): Promise<void> {
  const exited = exitOf(proc);
  if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
  if (o.killAfterMs === undefined) return exited;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), o.killAfterMs)));
  if ((await Promise.race([exited, late])) === 'late') {
    o.onKill?.();
    proc.kill('SIGKILL');
  }
  clearTimeout(timer);
  await exited;
}

/** A running role process. */
export interface RoleChild {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` of its HTTP listener. */
  readonly base: string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (clean stop), then wait for the exit. */
  stop(): Promise<void>;
}

/** Options of {@link startRole}. */
export interface StartRoleOptions {
  /** Its environment; LOG_LEVEL defaults to info, which the ready line needs. */
  readonly env: NodeJS.ProcessEnv;
  /** The log message saying it listens, with a `port` field ("ingest listening"). */
  readonly readyMsg: string;
  /** Every JSON log line, before and after ready. */
  readonly onLine?: (line: RoleLine) => void;
}

/**
 * Runs `script` and resolves once its log says `readyMsg` with a `port`. Rejects with the
 * tail of its stderr if it exits first.
 */
export function startRole(script: string, o: StartRoleOptions): Promise<RoleChild> {
  const proc = spawnTs(script, { env: { LOG_LEVEL: 'info', ...o.env }, output: 'pipe' });
  const stdout = proc.stdout!;
  const stderr = proc.stderr!;
  return new Promise((resolve, reject) => {
    let err = '';
    let rest = '';
    stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    stdout.on('data', (d: Buffer) => {
      const parts = (rest + d.toString()).split('\n');
      rest = parts.pop()!;
      for (const text of parts) {
        let line: RoleLine;
        try {
          line = JSON.parse(text) as RoleLine;
        } catch {
          continue; // not a log line (a stray print)
        }
        o.onLine?.(line);
        if (line.msg === o.readyMsg && typeof line.port === 'number') {
          resolve({
            proc,
            pid: proc.pid!,
            base: `http://127.0.0.1:${line.port}`,
            kill: () => stopChild(proc, 'SIGKILL'),
            stop: () => stopChild(proc, 'SIGTERM'),
          });
        }
      }
    });
    proc.once('exit', (code, signal) =>
      reject(new Error(`${script} exited ${code ?? signal}: ${err.trim()}`)),
    );
  });
}

/**
 * A metric's value from a role's Prometheus page, summed over its label sets (only those
 * whose line contains `labels`, e.g. `outcome="duplicate"`, when given).
 */
export async function metric(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Polls `check` every `everyMs` until it holds (a throw counts as not yet: a process still
 * starting); throws naming `what` after `timeoutMs`.
 */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
