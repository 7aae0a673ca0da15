import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from './config.ts';

/** The longest a role's clean stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 25_000;

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
        // A stop that cannot finish must not keep a dead process around (seen once after a
        // 30-minute soak): past the deadline it says so and exits non-zero.
        setTimeout(() => {
          process.stderr.write(`did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting\n`);
          process.exit(1);
        }, STOP_DEADLINE_MS).unref();
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
