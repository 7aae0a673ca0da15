import { createServer, connect as netConnect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP relay on a fixed loopback port; see {@link tcpRelay}. */
export interface TcpRelay {
  port: number;
  /** Relays new connections to `port`; `undefined` refuses them and cuts the open ones. */
  to(port: number | undefined): void;
  close(): Promise<void>;
}

/**
 * A TCP relay with a fixed port in front of whichever gateway runs now. A restarted gateway
 * cannot take its old port at once (uWS listens without SO_REUSEADDR, and the closed
 * sockets sit in TIME_WAIT), so a browser keeps one address through the relay instead;
 * cutting the relay's connections is what a gateway's death looks like to it.
 */
export async function tcpRelay(): Promise<TcpRelay> {
  let target: number | undefined;
  const open = new Set<Socket>();
  const server = createServer((down) => {
    open.add(down);
    down.on('close', () => open.delete(down));
    if (target === undefined) {
      down.destroy();
      return;
    }
    const up = netConnect(target, '127.0.0.1');
    open.add(up);
    up.on('close', () => open.delete(up));
    down.pipe(up).pipe(down);
    up.on('error', () => down.destroy());
    down.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    to(port) {
      target = port;
      if (port === undefined) for (const s of open) s.destroy();
    },
    close: () => {
      for (const s of open) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
