import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from './config.ts';

/**
 * Runs a role as its own process (`tsx ingest/main.ts`) when `moduleUrl` is the entry point:
 * one config parse (a bad variable is one line on stderr and exit 1), then start, then a
 * clean stop on SIGTERM/SIGINT.
 */
export function runRoleIfMain(
  moduleUrl: string,
  start: (cfg: Config) => Promise<{ stop(): Promise<void> }>,
): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  let cfg: Config;
  try {
    cfg = loadConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  start(cfg).then(
    (handle) => {
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        handle.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
