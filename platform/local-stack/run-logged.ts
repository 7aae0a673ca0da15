import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

/** Options of {@link runLogged}. */
export interface RunLoggedOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Run a command to completion with its output appended to `logFile`, resolving with its
 * exit code. Builds and installs are long and noisy: the log keeps the detail out of the
 * test output and is named in the error when they fail.
 */
export function runLogged(
  command: string,
  args: readonly string[],
  logFile: string,
  options: RunLoggedOptions = {},
): Promise<number> {
  const fd = openSync(logFile, 'a');
  writeSync(fd, `\n$ ${command} ${args.join(' ')}\n`);
  return new Promise<number>((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
    child.once('error', (err) => {
      writeSync(fd, `${String(err)}\n`);
      resolve(127);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => closeSync(fd));
}
