/**
 * Test support for the analysts' tools: the credentials an analyst connects with, and a
 * writer that seeds the log the way ingest appends to it (LogAppender: same subjects,
 * headers and large-body handling).
 */
import { readFile } from 'node:fs/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { credsAuthenticator } from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { buildPushPayload, type FakePush } from '../../platform/github/push-payload.ts';
import { loadConfig } from '../../platform/config.ts';
import { connectNats } from '../../platform/nats.ts';
import { LogAppender, type AppendResult } from '../../platform/log/append.ts';
import { ensureStreams } from '../../platform/streams.ts';
import type { TestServers } from './servers.ts';

/**
 * Path of the analyst's .creds file for these servers. Every analyst-side test reads its
 * credentials here.
 */
export function analystCreds(servers: TestServers): string | undefined {
  return servers.creds.analyst;
}

/** The environment an analyst's process gets: the server URL and the creds file. */
export function analystEnv(servers: TestServers): Record<string, string> {
  const creds = analystCreds(servers);
  return { NATS_URL: servers.natsUrl, ...(creds === undefined ? {} : { NATS_CREDS: creds }) };
}

/** Connects as the analyst (what `teampulse tail` and the examples do). */
export async function connectAsAnalyst(servers: TestServers): Promise<NatsConnection> {
  const creds = analystCreds(servers);
  return connect({
    servers: servers.natsUrl,
    name: 'test-analyst',
    ...(creds === undefined ? {} : { authenticator: credsAuthenticator(await readFile(creds)) }),
  });
}

/** A connection that may write the log and create streams: the admin role's. */
export function connectAsWriter(servers: TestServers): Promise<NatsConnection> {
  return connectNats(loadConfig(servers.natsEnv('admin')), {
    name: 'test-log-writer',
    role: 'admin',
  });
}

/** Seeds the log as ingest would. */
export interface LogSeeder {
  readonly nc: NatsConnection;
  /** Appends a push built by `buildPushPayload`; `pad` bytes of filler make it large. */
  push(p: FakePush & { deliveryId: string; pad?: number }): Promise<AppendResult>;
  /** Appends any event with a JSON body. */
  event(
    event: string,
    owner: string,
    repo: string,
    deliveryId: string,
    body: unknown,
  ): Promise<AppendResult>;
  close(): Promise<void>;
}

/** Creates the named streams (default all of TeamPulse's) and returns a seeder. */
export async function seedLog(servers: TestServers, streams?: string[]): Promise<LogSeeder> {
  const nc = await connectAsWriter(servers);
  await ensureStreams(await jetstreamManager(nc), loadConfig({}), streams);
  const appender = new LogAppender(nc, { timeoutMs: 10_000 });
  const event = (event: string, owner: string, repo: string, deliveryId: string, body: unknown) =>
    appender.append({
      event,
      deliveryId,
      owner,
      repo,
      body: new TextEncoder().encode(JSON.stringify(body)),
      receivedAt: new Date(),
      githubHeaders: { 'X-GitHub-Event': event, 'X-GitHub-Delivery': deliveryId },
    });
  return {
    nc,
    push: ({ deliveryId, pad, ...p }) =>
      event('push', p.owner, p.repo, deliveryId, {
        ...buildPushPayload(p),
        ...(pad ? { padding: 'x'.repeat(pad) } : {}),
      }),
    event,
    close: () => nc.drain(),
  };
}
