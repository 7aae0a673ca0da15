/** Starts {@link ./projector-process.ts} as a child process and waits until it runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../platform/config.ts';

const SCRIPT = fileURLToPath(new URL('./projector-process.ts', import.meta.url));

export interface ChildProjector {
  readonly child: ChildProcess;
  /** Resolves the exit code (or signal) once the process ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | string>;
}

/** Spawns a projector process with the config of `cfg` plus `env`; resolves once it printed `ready` (or exited). */
export async function spawnProjector(
  cfg: Config,
  env: Record<string, string> = {},
): Promise<ChildProjector> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '',
      NATS_URL: cfg.NATS_URL,
      ...(cfg.NATS_CREDS === undefined ? {} : { NATS_CREDS: cfg.NATS_CREDS }),
      MONGO_URL: cfg.MONGO_URL,
      MONGO_DB: cfg.MONGO_DB,
      REDIS_URL: cfg.REDIS_URL,
      PROJECTOR_PORT: '0',
      PROJECTOR_ACK_WAIT_MS: String(cfg.PROJECTOR_ACK_WAIT_MS),
      PROJECTOR_BATCH_SIZE: String(cfg.PROJECTOR_BATCH_SIZE),
      PROJECTOR_BATCH_WAIT_MS: String(cfg.PROJECTOR_BATCH_WAIT_MS),
      PROJECTOR_BACKOFF_MS: cfg.PROJECTOR_BACKOFF_MS.join(','),
      REDIS_KEY_TTL_DAYS: String(cfg.REDIS_KEY_TTL_DAYS),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await new Promise<void>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve();
    });
    void exited.then(() => resolve());
  });
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
