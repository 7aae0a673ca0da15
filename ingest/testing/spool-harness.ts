import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Streams } from '../../schemas/streams.ts';
import { buildPushPayload } from '../../platform/github/push-payload.ts';
import { natsAs } from '../../test/support/nats-as.ts';
import { startRole, type RoleChild } from '../../test/support/role-process.ts';
import type { RoleCreds } from '../../test/support/servers.ts';

// Helpers of ingest/ingest-spool.int.test.ts: a push body, reading the log back, ingest as a child.

/** A small signed-able push body, distinct per (lane, i). */
export function pushBody(lane: number, i: number): string {
  return JSON.stringify(
    buildPushPayload({
      owner: 'spool',
      repo: `lane-${lane}`,
      repoId: 100 + lane,
      commits: [{ author: `dev${i % 7}`, timestamp: '2026-11-30T00:00:00Z' }],
    }),
  );
}

/** Every `Nats-Msg-Id` in GITHUB, in stream order. */
export async function logDeliveries(natsUrl: string, creds: RoleCreds): Promise<string[]> {
  const nc = await connect({ servers: natsUrl, ...natsAs(creds, 'admin') });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(Streams.github.name);
    const ids: string[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(Streams.github.name, { seq });
      if (msg) ids.push(msg.header.get('Nats-Msg-Id'));
    }
    return ids;
  } finally {
    await nc.close();
  }
}

/** A running ingest process (see {@link startRole}). */
export type IngestChild = RoleChild;

/** Runs `ingest/main.ts` as its own process on a free port; resolves once it listens. */
export function startIngestChild(env: Record<string, string>): Promise<IngestChild> {
  return startRole('ingest/main.ts', {
    env: { INGEST_PORT: '0', ...env },
    readyMsg: 'ingest listening',
  });
}
