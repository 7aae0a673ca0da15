import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { initAuthDir, type AuthDir } from '../nats-auth/auth-dir.ts';
import { LocalStackError, LocalStackErrorCode } from './errors.ts';
import { startNats, type NatsServer } from './nats.ts';
import { freePort } from './ports.ts';

/** Options of {@link startNatsCluster}. */
export interface StartNatsClusterOptions {
  /** Node `i` lives in `<dataDir>/n<i>/`; the shared auth dir is `<dataDir>/auth` unless given. */
  readonly dataDir: string;
  /** Number of nodes; default 3 (R3 streams need 3). */
  readonly size?: number;
  /** Cluster name; default `teampulse`. */
  readonly name?: string;
  /** The auth dir whose fragment every node includes; created if missing. */
  readonly authDir?: string;
  /** Fixed client ports, one per node (e.g. a developer stack); default free ports. */
  readonly ports?: readonly number[];
  /** `sync_interval: always`; default true, as shipped. */
  readonly syncAlways?: boolean;
  /** How long to wait for JetStream to be ready on every node; default 30 s. */
  readonly readyTimeoutMs?: number;
}

/** A running nats-server cluster with JetStream, every node on loopback. */
export interface NatsCluster {
  readonly nodes: readonly NatsServer[];
  /** Every node's client URL, comma-separated: what `NATS_URL` takes. */
  readonly url: string;
  readonly auth: AuthDir;
  /** Resolves once every running node's `/healthz` answers 200 (JetStream current). */
  ready(timeoutMs?: number): Promise<void>;
  /** Stops every node. */
  stop(): Promise<void>;
}

/**
 * Start a JetStream cluster of `size` nodes on loopback: each node has its own store,
 * `server_name` (`n0`, `n1`, …), route port and monitoring port, and includes the SAME auth
 * fragment (the resolver preload is per-server). Each node is a {@link NatsServer}, so a
 * test can `kill()` and `restart()` one. Resolves once JetStream is ready on all of them.
 */
export async function startNatsCluster(options: StartNatsClusterOptions): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  // Created once, before the nodes start in parallel and each only reads it.
  const auth = await initAuthDir(options.authDir ?? join(dataDir, 'auth'));
  const indexes = [...Array(size).keys()];
  const routePorts = await Promise.all(indexes.map(() => freePort()));
  const httpPorts = await Promise.all(indexes.map(() => freePort()));
  const clientPorts = options.ports ?? (await Promise.all(indexes.map(() => freePort())));
  const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`);
  const started = await Promise.allSettled(
    indexes.map((i) =>
      startNats({
        dataDir: join(dataDir, `n${i}`),
        port: clientPorts[i]!,
        authDir: auth.dir,
        serverName: `n${i}`,
        httpPort: httpPorts[i]!,
        ...(options.syncAlways === undefined ? {} : { syncAlways: options.syncAlways }),
        cluster: { name: options.name ?? 'teampulse', port: routePorts[i]!, routes },
      }),
    ),
  );
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => void (await Promise.all(nodes.map((n) => n.stop())));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }
  const ready = async (timeoutMs = options.readyTimeoutMs ?? 30_000): Promise<void> => {
    const live = indexes.filter((i) => nodes[i]!.pid !== undefined);
    await Promise.all(live.map((i) => waitHealthy(`n${i}`, httpPorts[i]!, timeoutMs)));
  };
  try {
    await ready();
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, url: nodes.map((n) => n.url).join(','), auth, ready, stop };
}

async function waitHealthy(name: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new LocalStackError(
    LocalStackErrorCode.StartTimeout,
    `nats cluster node ${name}: JetStream not ready within ${timeoutMs} ms (${last})`,
  );
}
