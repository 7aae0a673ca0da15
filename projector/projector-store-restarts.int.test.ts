import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../platform/github/push-payload.ts';
import { createLogger } from '../platform/logger.ts';
import { Consumers, Streams } from '../schemas/streams.ts';
import { startFaultableServers, type FaultableServers } from '../test/support/servers.ts';
import type { ProjectorHandle } from './main.ts';
import { projectInMemory, type ReadModels } from './projections/in-memory-read-models.ts';
import { pushReceived, shuffled } from './testing/events.ts';
import { projectorHarness, waitFor, type Harness } from './testing/harness.ts';

let servers: FaultableServers;
let h: Harness;
/** Every push appended so far (the tests share the servers and read models). */
const appended: FakePush[] = [];

/** Every log line of the projectors, parsed: the tests check what was said, and when. */
interface Line {
  level: number;
  time: number;
  msg: string;
  err?: unknown;
  server?: string;
  retryInMs?: number;
}
const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n'))
      if (line.trim() !== '') lines.push(JSON.parse(line) as Line);
    done();
  },
});

beforeAll(async () => {
  // Redis without persistence, as the tests' throw-away servers run: a restart loses it all.
  servers = await startFaultableServers({ redisAppendOnly: false });
  h = await projectorHarness(servers, {
    PROJECTOR_BATCH_SIZE: '200',
    PROJECTOR_TRANSIENT_BUDGET_MS: '2000',
  });
}, 240_000);
afterAll(async () => {
  await h?.close();
  await servers?.stop();
});

/**
 * `n` pushes over 3 orgs, 4 repos and 40 days, 3 commits each; every 7th repeats an earlier
 * push's commits with `distinct: false` (another branch), every 11th is the same push again
 * (a redelivery under a new delivery id).
 */
function corpus(tag: string, n: number): FakePush[] {
  const out: FakePush[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 11 === 10) {
      out.push(out[i - 5]!);
      continue;
    }
    if (i % 7 === 6) {
      const earlier = out[i - 3]!;
      out.push({ ...earlier, commits: earlier.commits.map((c) => ({ ...c, distinct: false })) });
      continue;
    }
    out.push({
      owner: `heal${i % 3}`,
      repo: `r${i % 4}`,
      repoId: 7000 + (i % 4),
      commits: [0, 1, 2].map((j) => ({
        author: `dev${(i * 3 + j) % 7}`,
        timestamp: new Date(Date.UTC(2026, 1, 1 + ((i * 5 + j) % 40), j)).toISOString(),
        sha: fakeSha(`${tag}-${i}-${j}`),
        files: { modified: [`m${(i + j) % 5}/f.ts`] },
      })),
    });
  }
  return shuffled(out, tag.length * 7919);
}

async function ackFloor(): Promise<number> {
  const info = await h.jsm.consumers.info(Streams.github.name, Consumers.projector);
  return info.ack_floor.stream_seq;
}

/** Two projectors; `onEvent` sees every event they decode (kills are timed from it). */
async function startTwo(onEvent: () => void): Promise<ProjectorHandle[]> {
  const deps = () => ({
    logger: createLogger({ level: 'info', role: 'projector' }, sink),
    faults: onEvent,
  });
  return [await h.start(deps()), await h.start(deps())];
}

/** Appends in the background, through the kill, as GitHub's deliveries would arrive. */
function appendAll(pushes: readonly FakePush[]): Promise<void> {
  return (async () => {
    for (const p of pushes) {
      await h.append(p);
      appended.push(p);
    }
  })();
}

/**
 * Kills `server` at a random moment inside a batch: after a random number of decoded
 * events, then 0–40 ms (the batch's inserts, counters or snapshot writes are under way).
 * Resolves the kill's time.
 */
function killDuringBatch(kill: () => Promise<void>): {
  onEvent: () => void;
  killed: Promise<number>;
} {
  const after = 150 + Math.floor(Math.random() * 450);
  let decoded = 0;
  let resolve!: (at: number) => void;
  const killed = new Promise<number>((r) => (resolve = r));
  const onEvent = () => {
    if (++decoded !== after) return;
    setTimeout(() => void kill().then(() => resolve(Date.now())), Math.random() * 40);
  };
  return { onEvent, killed };
}

function expected(): ReadModels {
  return projectInMemory(appended.map((p) => pushReceived(p)));
}

function said(msg: string, since = 0): Line[] {
  return lines.filter((l) => l.time >= since && l.msg.startsWith(msg));
}

/**
 * The wait for `server` was said with its reason (which server, the error, the next retry)
 * when it began, and its end too; a few lines per outage, not one per retry.
 */
function expectWaitSaid(server: string, since: number): void {
  const waits = said('dependency unavailable; retrying', since).filter((l) => l.server === server);
  expect(waits.length).toBeGreaterThan(0);
  expect(typeof waits[0]!.err).toBe('string');
  expect(waits[0]!.retryInMs).toBeLessThanOrEqual(1000);
  const answered = said('dependency answered again', since).filter((l) => l.server === server);
  expect(answered.length).toBeGreaterThan(0);
  // Two projectors, each saying it at most every 5 s (or when the server changes).
  const spanS = (Math.max(...answered.map((l) => l.time)) - since) / 1000;
  expect(waits.length).toBeLessThanOrEqual(2 * (2 + spanS / 5) + 4);
}

/** The longest stretch in [from, to] with no log line at warn or above. */
function longestSilence(from: number, to: number): number {
  const times = [from, ...lines.filter((l) => l.level >= 40).map((l) => l.time), to]
    .filter((t) => t >= from && t <= to)
    .sort((a, b) => a - b);
  return Math.max(0, ...times.slice(1).map((t, i) => t - times[i]!));
}

describe('projector store restarts', () => {
  it('projector store restarts - MongoDB-wire server SIGKILLed mid-batch: snapshots exact, nothing dead-lettered, resumes fast', async () => {
    const { onEvent, killed } = killDuringBatch(() => servers.mongo.kill());
    const projectors = await startTwo(onEvent);
    const appending = appendAll(corpus('mongo', 900));
    const killedAt = await killed;
    // Longer than the driver's 5 s server selection, so bulk writes fail with it too.
    await new Promise((r) => setTimeout(r, 6000 + Math.random() * 4000));
    const floor = await ackFloor();
    await servers.mongo.restart();
    const restartedAt = Date.now();
    await waitFor(async () => (await ackFloor()) > floor, 60_000, 'processing to resume');
    const resumeMs = Date.now() - restartedAt;
    await appending;
    await h.settled(180_000);
    const models = await h.models();
    const want = expected();
    const missing = want.snapshots.length - models.snapshots.length;
    console.log(
      `mongo SIGKILL: down ${restartedAt - killedAt} ms, processing resumed ${resumeMs} ms ` +
        `after the restart (${(resumeMs / 5000).toFixed(2)}× the 5 s goal; bound 10000); ` +
        `${want.commits.length} commits, ${want.snapshots.length} snapshots expected, ` +
        `${missing} missing`,
    );
    expect(await h.deadLetters()).toEqual([]);
    expect(models.commits).toEqual(want.commits);
    expect(models.snapshots).toEqual(want.snapshots);
    expect(models.counters).toEqual(want.counters);
    expect(resumeMs).toBeLessThan(10_000);
    // An unreachable server is waited for (and said so), never taken for a failed event.
    expect(said('batch failed', killedAt)).toEqual([]);
    expect(said('event failed', killedAt)).toEqual([]);
    expectWaitSaid('mongodb', killedAt);
    expect(longestSilence(killedAt, restartedAt)).toBeLessThan(8000);
    for (const p of projectors) await p.stop();
  }, 400_000);

  it('projector store restarts - Redis SIGKILLed mid-batch and restarted empty: counters rebuilt from commits, exact', async () => {
    const { onEvent, killed } = killDuringBatch(() => servers.redis.kill());
    const projectors = await startTwo(onEvent);
    const appending = appendAll(corpus('redis', 900));
    const killedAt = await killed;
    await new Promise((r) => setTimeout(r, 1000 + Math.random() * 2000));
    const floor = await ackFloor();
    await servers.redis.restart();
    const restartedAt = Date.now();
    await waitFor(async () => (await ackFloor()) > floor, 60_000, 'processing to resume');
    const resumeMs = Date.now() - restartedAt;
    await appending;
    await h.settled(180_000);
    // The last batch may have counted into the empty Redis just before the periodic check.
    await waitFor(
      async () =>
        JSON.stringify((await h.models()).counters) === JSON.stringify(expected().counters),
      15_000,
      'counters to be rebuilt',
    ).catch(() => undefined);
    const models = await h.models();
    const want = expected();
    const rebuilt = said('Redis counters rebuilt from commits', restartedAt);
    console.log(
      `redis SIGKILL: down ${restartedAt - killedAt} ms, processing resumed ${resumeMs} ms ` +
        `after the restart (${(resumeMs / 5000).toFixed(2)}× the 5 s goal); ` +
        `rebuilds ${rebuilt.length}: ` +
        rebuilt.map((l) => JSON.stringify({ ...l, level: undefined, time: undefined })).join(' '),
    );
    expect(rebuilt.length).toBeGreaterThan(0);
    expect(models.counters).toEqual(want.counters);
    expect(models.commits).toEqual(want.commits);
    expect(models.snapshots).toEqual(want.snapshots);
    expect(await h.deadLetters()).toEqual([]);
    expectWaitSaid('redis', killedAt);
    expect(said('Redis connection lost; reconnecting', killedAt).length).toBeGreaterThan(0);
    for (const p of projectors) await p.stop();
  }, 400_000);

  it('projector store restarts - Redis flushed while idle: counters rebuilt within seconds, then counting goes on exact', async () => {
    const projectors = await startTwo(() => undefined);
    await h.settled(60_000);
    const before = Object.keys((await h.models()).counters).length;
    const flushedAt = Date.now();
    await h.redis.flushall();
    await waitFor(
      async () =>
        JSON.stringify((await h.models()).counters) === JSON.stringify(expected().counters),
      20_000,
      'the idle projectors to rebuild the counters',
    );
    const rebuildMs = Date.now() - flushedAt;
    const rebuilt = said('Redis counters rebuilt from commits', flushedAt);
    console.log(`redis FLUSHALL while idle: ${before} counters back after ${rebuildMs} ms`);
    expect(rebuilt).toHaveLength(1); // one projector rebuilt, the other waited
    await appendAll(corpus('after-flush', 120));
    await h.settled(60_000);
    expect(await h.models()).toEqual(expected());
    for (const p of projectors) await p.stop();
  }, 200_000);
});
