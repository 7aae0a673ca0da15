import { connect, type NatsConnection } from '@nats-io/transport-node';

export type { NatsConnection };

/** Connects to NATS and keeps reconnecting for as long as the process lives. */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
    // nats.js otherwise builds an Error (with a stack) per request just in case it times
    // out: ~7% of ingest's CPU under load. Our own errors carry the context instead.
    noAsyncTraces: true,
  });
}
