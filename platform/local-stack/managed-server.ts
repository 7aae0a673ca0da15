import { LocalStackError, LocalStackErrorCode } from './errors.ts';
import { freePort } from './ports.ts';
import type { ServerProcess } from './process.ts';

/** Lifecycle shared by every local server handle. */
export interface ManagedServer {
  /** The loopback port; it stays the same across restarts, so clients can reconnect. */
  readonly port: number;
  /** The running child's pid, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Graceful stop (SIGTERM, then SIGKILL after 10 s); resolves once the child exited. */
  stop(): Promise<void>;
  /** Crash it (SIGKILL, no shutdown work), for fault-injection tests. */
  kill(): Promise<void>;
  /** Stop if running, then start again on the same port with the same data. */
  restart(): Promise<void>;
}

/** Starts one server child on a given port; called again by restart. */
export type Launch = (port: number) => Promise<ServerProcess>;

const PORT_ATTEMPTS = 3;

/**
 * Start a server and wrap it in a {@link ManagedServer}. Without a requested port it picks
 * a free one and, since another process can take that port before the server binds it,
 * tries another when the server reports the port in use.
 */
export async function startManaged(
  requestedPort: number | undefined,
  launch: Launch,
): Promise<ManagedServer> {
  let port = requestedPort ?? (await freePort());
  let current: ServerProcess | undefined;
  for (let attempt = 1; current === undefined; attempt++) {
    try {
      current = await launch(port);
    } catch (err) {
      const retry =
        requestedPort === undefined &&
        attempt < PORT_ATTEMPTS &&
        err instanceof LocalStackError &&
        err.code === LocalStackErrorCode.PortInUse;
      if (!retry) throw err;
      port = await freePort();
    }
  }
  const chosenPort = port;
  let running: ServerProcess | undefined = current;
  return {
    port: chosenPort,
    get pid() {
      return running?.pid;
    },
    async stop() {
      const proc = running;
      running = undefined;
      await proc?.stop();
    },
    async kill() {
      const proc = running;
      running = undefined;
      await proc?.stop({ signal: 'SIGKILL' });
    },
    async restart() {
      const proc = running;
      running = undefined;
      await proc?.stop();
      running = await launch(chosenPort);
    },
  };
}
