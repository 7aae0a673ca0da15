/** A TeamPulse role (`ingest/main.ts`, `projector/main.ts`, `gateway/main.ts`) as a killable child process. */
import { spawn, type ChildProcess } from 'node:child_process';

/** One parsed JSON log line of a role. */
export interface RoleLine {
  readonly level: number;
  readonly time: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A running role process. */
export interface RoleChild {
  readonly proc: ChildProcess;
  /** `http://127.0.0.1:<port>` of its HTTP listener. */
  readonly base: string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (clean stop), then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs `script` with `env` (plus PATH) and resolves once its log says `readyMsg` with a
 * `port`; every log line goes to `onLine`. Rejects with its stderr if it exits first.
 */
export function spawnRole(
  script: string,
  env: Record<string, string>,
  readyMsg: string,
  onLine: (line: RoleLine) => void,
): Promise<RoleChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', DO_NOT_TRACK: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stopWith = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    let err = '';
    let rest = '';
    proc.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    proc.stdout.on('data', (d: Buffer) => {
      const parts = (rest + d.toString()).split('\n');
      rest = parts.pop()!;
      for (const text of parts) {
        let line: RoleLine;
        try {
          line = JSON.parse(text) as RoleLine;
        } catch {
          continue; // not a log line (a stray print)
        }
        onLine(line);
        if (line.msg === readyMsg && typeof line.port === 'number') {
          resolve({
            proc,
            base: `http://127.0.0.1:${line.port}`,
            kill: () => stopWith('SIGKILL'),
            stop: () => stopWith('SIGTERM'),
          });
        }
      }
    });
    proc.once('exit', (code, signal) =>
      reject(new Error(`${script} exited ${code ?? signal}: ${err.trim()}`)),
    );
  });
}

/** A metric's value from a role's Prometheus page (summed over its label sets). */
export async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}
