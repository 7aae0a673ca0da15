import { spawn, type ChildProcess } from 'node:child_process';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Streams } from '../../schemas/streams.ts';
import { buildPushPayload } from '../../platform/github/push-payload.ts';
import { natsAs } from '../../test/support/nats-as.ts';
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

/** Waits until `check` holds, polling; throws naming `what` after `ms`. */
export async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A metric's value from a Prometheus text page (sum over its label sets). */
export async function metric(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export interface IngestChild {
  proc: ChildProcess;
  base: string;
  pid: number;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (clean stop), then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs `ingest/main.ts` as its own process and resolves once it listens (its port read
 * from the "ingest listening" log line), or rejects with its stderr if it exits first.
 */
export function startIngestChild(env: Record<string, string>): Promise<IngestChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'ingest/main.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', INGEST_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stopWith = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)[^\n]*"msg":"ingest listening"/.exec(out);
      if (m) {
        resolve({
          proc,
          base: `http://127.0.0.1:${m[1]}`,
          pid: proc.pid!,
          kill: () => stopWith('SIGKILL'),
          stop: () => stopWith('SIGTERM'),
        });
      }
    });
    proc.once('exit', (code) => reject(new Error(`ingest exited ${code}: ${err.trim()}`)));
  });
}
