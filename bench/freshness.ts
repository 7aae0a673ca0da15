/**
 * Freshness, end to end: from sending a signed push to a separate WebSocket client
 * receiving the `commits:update` frame whose lineage names it.
 *
 *   npm run bench:freshness -- [--rates 20,200,1000] [--seconds 10] [--orgs 4] [--repos 5] [--days 7]
 *                              [--drain 15] [--limit-concurrency 16] [--budget 240]
 *
 * - the local stack (NATS with auth on, Redis, MongoDB-wire) and ingest, projector and
 *   gateway as child processes; the client is its own process (bench/support/freshness-client.ts);
 * - open loop: push i leaves at start + i/rate whatever came back before; 1–20 commits each,
 *   across orgs × repos; each rate runs for a bounded time, then waits for its frames;
 * - the limit, in the same run on the same servers and gateway: the same pushes appended
 *   straight to the log, each written once per push by bench/support/freshness-limit.ts
 *   (no batching, leases or re-reads) and its update relayed by the same gateway;
 * - a time budget: the waits for frames after sending end when the run would overrun
 *   `--budget` seconds of measuring (the sends of the phases still to come reserved), so a
 *   default run ends within about five minutes even when the servers fall far behind;
 *   pushes still unseen then are reported as such, not as lost;
 * - where the time goes: send → receivedAt (ingest) → log timestamp (append) → UPDATES
 *   timestamp (projector) → client; inside the projector its own stage histograms.
 */
import { parseArgs } from 'node:util';
import { DeliverPolicy, type jetstream, type JsMsg } from '@nats-io/jetstream';
import { simulatedPush } from '../platform/github/simulated-push.ts';
import { signBody } from '../platform/github/sign.ts';
import { LogAppender } from '../platform/log/append.ts';
import { readLogHeaders } from '../platform/log/headers.ts';
import { Streams } from '../schemas/streams.ts';
import { child, startPipeline } from './support/pipeline.ts';
import { closeWebhookSockets, PostFailed, postWebhook } from './support/post-webhook.ts';
import { percentile } from './support/proc.ts';
import { stageDelta, stageHistograms } from './support/stage-metrics.ts';

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '20,200,1000' },
    seconds: { type: 'string', default: '10' },
    orgs: { type: 'string', default: '4' },
    repos: { type: 'string', default: '5' },
    /**
     * UTC days a run's pushes spread their commits over (push i: today − i mod days). 7: the
     * workload of the figures so far, each batch touching up to orgs × repos × 7 snapshot
     * keys; 1: commits of today only, as live pushes mostly carry.
     */
    days: { type: 'string', default: '7' },
    /** Seconds without a new frame after which the missing ones count as lost. */
    drain: { type: 'string', default: '15' },
    'limit-concurrency': { type: 'string', default: '16' },
    /** Seconds of measuring (all phases) after which the waits for frames are cut short. */
    budget: { type: 'string', default: '240' },
  },
});
const RATES = args.rates.split(',').map(Number);
const SECONDS = Number(args.seconds);
const ORGS = Number(args.orgs);
const REPOS = Number(args.repos);
const DAYS = Number(args.days);
const DRAIN_MS = Number(args.drain) * 1000;
const BUDGET_MS = Number(args.budget) * 1000;
/** A push not answered in this time counts as refused (`TimeoutError`). */
const SEND_TIMEOUT_MS = 30_000;
const SECRET = 'bench-freshness-secret';
const JWT_SECRET = 'bench-freshness-jwt-secret-0123456789abcdef';
const wallNow = () => performance.timeOrigin + performance.now();

interface Push {
  id: string;
  org: string;
  repo: string;
  body: string;
  signature: string;
}

function pushesFor(phase: string, rate: number): Push[] {
  return Array.from({ length: Math.round(rate * SECONDS) }, (_, i) => {
    const payload = simulatedPush(i, {
      orgs: ORGS,
      repos: REPOS,
      authors: 40,
      commits: 1 + ((i * 7) % 20),
      days: DAYS,
      seed: `${phase}-${rate}`,
    });
    const body = JSON.stringify(payload);
    return {
      id: `${phase}-${rate}-${i}-${crypto.randomUUID()}`,
      // simulatedPush's layout: org i % orgs, repo ⌊i / orgs⌋ % repos.
      org: `org${i % ORGS}`,
      repo: `repo${Math.floor(i / ORGS) % REPOS}`,
      body,
      signature: signBody(SECRET, body),
    };
  });
}

/** Sends each push at its due time, whatever the earlier ones are doing (open loop). */
async function openLoop(
  pushes: Push[],
  rate: number,
  send: (p: Push) => Promise<string | undefined>,
): Promise<{ sentAt: Map<string, number>; failed: Map<string, number>; lateMs: number }> {
  const sentAt = new Map<string, number>();
  const inflight: Promise<void>[] = [];
  const failed = new Map<string, number>();
  const fail = (id: string, reason: string) => {
    failed.set(reason, (failed.get(reason) ?? 0) + 1);
    sentAt.delete(id);
  };
  let lateMs = 0;
  const start = wallNow() + 50;
  for (const [i, p] of pushes.entries()) {
    const due = start + (i * 1000) / rate;
    const wait = due - wallNow();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t = wallNow();
    lateMs = Math.max(lateMs, t - due);
    sentAt.set(p.id, t);
    inflight.push(
      send(p).then(
        (refused) => void (refused === undefined || fail(p.id, refused)),
        (err: Error) => fail(p.id, err instanceof PostFailed ? err.reason : err.message),
      ),
    );
  }
  await Promise.all(inflight);
  return { sentAt, failed, lateMs };
}

/** Per delivery: its log timestamp and receivedAt; per update: its timestamp, by delivery. */
async function readStreams(
  js: ReturnType<typeof jetstream>,
  fromLogSeq: number,
  fromUpdateSeq: number,
): Promise<{
  logAt: Map<string, number>;
  receivedAt: Map<string, number>;
  updateAt: Map<string, number>;
}> {
  const logAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  const updateAt = new Map<string, number>();
  const read = async (stream: string, from: number, each: (m: JsMsg) => void) => {
    const c = await js.consumers.get(stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
    });
    for (;;) {
      const batch = await c.fetch({ max_messages: 1000, expires: 1000 });
      let n = 0;
      for await (const m of batch) {
        n++;
        each(m);
      }
      if (n === 0) break;
    }
  };
  await read(Streams.github.name, fromLogSeq, (m) => {
    const h = readLogHeaders(m.headers, m.seq);
    logAt.set(h.deliveryId, m.info.timestampNanos / 1e6);
    if (h.receivedAt) receivedAt.set(h.deliveryId, h.receivedAt.getTime());
  });
  await read(Streams.updates.name, fromUpdateSeq, (m) => {
    const u = m.json<{ payload: { lineage: { deliveryId: string }[] } }>();
    for (const l of u.payload.lineage) updateAt.set(l.deliveryId, m.info.timestampNanos / 1e6);
  });
  return { logAt, receivedAt, updateAt };
}

interface Outcome {
  label: string;
  rate: number;
  sent: number;
  failed: Map<string, number>;
  lost: number;
  /** Not seen when the budget cut the wait short (neither seen nor known lost). */
  unseen: number;
  lateMs: number;
  p50: number;
  p99: number;
  max: number;
  stages: [string, number[]][];
  projector?: ReturnType<typeof stageDelta> | undefined;
}

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(1).padStart(8);
  return `${f(percentile(s, 0.5))}${f(percentile(s, 0.99))}${f(s.at(-1) ?? NaN)}`;
}

const pipe = await startPipeline({
  name: 'fresh',
  webhookSecret: SECRET,
  jwtSecret: JWT_SECRET,
  orgs: ORGS,
});
try {
  const { nc, jsm, js, procs, client, creds, base } = pipe;
  const ingestPort = pipe.ports.ingest;
  const http = (role: 'projector', path: string) => pipe.http(role, path);
  const received = new Map<string, number>();
  let frames = 0;
  const clientReady = new Promise<void>((resolve, reject) => {
    client.on('message', (m: { type: string; t?: number; ids?: string[]; code?: number }) => {
      if (m.type === 'ready') resolve();
      if (m.type === 'closed') reject(new Error(`client closed: ${m.code}`));
      if (m.type !== 'frame') return;
      frames++;
      for (const id of m.ids ?? []) if (!received.has(id)) received.set(id, m.t!);
    });
  });
  await clientReady;

  const endpoint = `http://127.0.0.1:${ingestPort}/api/v1/webhooks/github`;
  const viaIngest = async (p: Push) => {
    // Bounded, so an overloaded ingest cannot hold the run past its budget.
    const status = await postWebhook(endpoint, p, SEND_TIMEOUT_MS);
    return status >= 200 && status < 300 ? undefined : `HTTP ${status}`;
  };
  const appender = new LogAppender(nc, { timeoutMs: 10_000 });
  const viaLog = async (p: Push) => {
    await appender.append({
      event: 'push',
      deliveryId: p.id,
      body: Buffer.from(p.body),
      owner: p.org,
      repo: p.repo,
      receivedAt: new Date(),
      githubHeaders: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': p.id },
    });
    return undefined;
  };

  const lastSeq = async (stream: string) => (await jsm.streams.info(stream)).state.last_seq;
  const scrape = async () => stageHistograms(await (await http('projector', '/metrics')).text());

  async function phase(
    label: string,
    rate: number,
    send: (p: Push) => Promise<string | undefined>,
  ) {
    const pushes = pushesFor(label, rate);
    const fromLog = (await lastSeq(Streams.github.name)) + 1;
    const fromUpdates = (await lastSeq(Streams.updates.name)) + 1;
    const before = label === 'pipeline' ? await scrape() : undefined;
    const { sentAt, failed, lateMs } = await openLoop(pushes, rate, send);
    phasesLeft--;
    // The sends still to come are reserved out of the budget; the rest bounds this wait.
    const waitUntil = budgetEnd - phasesLeft * (SECONDS * 1000 + 5000);
    let seen = frames;
    let progressAt = Date.now();
    let cut = false;
    while ([...sentAt.keys()].some((id) => !received.has(id))) {
      if (frames !== seen) [seen, progressAt] = [frames, Date.now()];
      if (Date.now() - progressAt > DRAIN_MS) break;
      if (Date.now() > waitUntil) {
        cut = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = label === 'pipeline' ? await scrape() : undefined;
    const { logAt, receivedAt, updateAt } = await readStreams(js, fromLog, fromUpdates);
    const total: number[] = [];
    const stages: Record<string, number[]> = {
      'ingest (send → receivedAt)': [],
      'append (receivedAt → in log)': [],
      'projector (in log → update stored)': [],
      'fan-out (update stored → client)': [],
    };
    let lost = 0;
    for (const [id, sent] of sentAt) {
      const got = received.get(id);
      if (got === undefined) {
        lost++;
        continue;
      }
      total.push(got - sent);
      const rx = receivedAt.get(id) ?? sent;
      const inLog = logAt.get(id);
      const upd = updateAt.get(id);
      if (label === 'pipeline') stages['ingest (send → receivedAt)']!.push(rx - sent);
      if (inLog !== undefined) stages['append (receivedAt → in log)']!.push(inLog - rx);
      if (inLog !== undefined && upd !== undefined)
        stages['projector (in log → update stored)']!.push(upd - inLog);
      if (upd !== undefined) stages['fan-out (update stored → client)']!.push(got - upd);
    }
    total.sort((a, b) => a - b);
    const out: Outcome = {
      label,
      rate,
      sent: sentAt.size,
      failed,
      lost: cut ? 0 : lost,
      unseen: cut ? lost : 0,
      lateMs,
      p50: percentile(total, 0.5),
      p99: percentile(total, 0.99),
      max: total.at(-1) ?? NaN,
      stages: Object.entries(stages).filter(([, xs]) => xs.length > 0),
      projector: before && after ? stageDelta(before, after) : undefined,
    };
    report(out);
    return out;
  }

  function report(o: Outcome): void {
    console.log(
      `\n${o.label} at ${o.rate} pushes/s: ${o.sent} accepted (${[...o.failed].map(([why, n]) => `${n} refused: ${why}`).join(', ') || 'none refused'}), ${o.lost} frames lost${o.unseen ? `, ${o.unseen} not seen when the budget ran out (p50/p99/max are of those seen)` : ''}; ` +
        `p50 ${o.p50.toFixed(1)} ms, p99 ${o.p99.toFixed(1)} ms, max ${o.max.toFixed(1)} ms` +
        ` (sender at most ${o.lateMs.toFixed(1)} ms late)`,
    );
    console.log(`  ${'stage (ms)'.padEnd(40)}     p50     p99     max`);
    for (const [name, xs] of o.stages) console.log(`  ${name.padEnd(40)}${summary(xs)}`);
    for (const [stage, h] of Object.entries(o.projector ?? {})) {
      console.log(
        `    projector ${stage.padEnd(28)} n=${String(h.count).padEnd(6)} mean ${(h.mean * 1000).toFixed(2).padStart(7)} ms   p99 ≤ ${h.p99 === Infinity ? '∞' : (h.p99 * 1000).toFixed(1)} ms`,
      );
    }
  }

  // Warm-up: JIT, connections, first documents (not measured).
  let phasesLeft = 1 + 2 * RATES.length;
  const budgetEnd = Date.now() + BUDGET_MS;
  await phase('warmup', 20, viaIngest);
  received.clear();
  const results: Outcome[] = [];
  for (const rate of RATES) results.push(await phase('pipeline', rate, viaIngest));
  // The limit: the projector stops (else it would project the limit's pushes too).
  // A projector far behind finishes its in-flight batches on SIGTERM (minutes on a loaded
  // machine): what it would still write does not matter here, so after 10 s it is killed.
  const exited = new Promise((r) => procs.projector.once('exit', r));
  procs.projector.kill('SIGTERM');
  const killer = setTimeout(() => procs.projector.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
  const limit = child(
    'bench/support/freshness-limit.ts',
    [String((await lastSeq(Streams.github.name)) + 1), args['limit-concurrency']],
    {
      ...base,
      NATS_CREDS: creds.admin,
    },
  );
  pipe.adopt(limit);
  await new Promise<void>((resolve) => limit.once('message', () => resolve()));
  const limits: Outcome[] = [];
  for (const rate of RATES) limits.push(await phase('limit', rate, viaLog));

  console.log(
    `\nbench/freshness — ${SECONDS} s per rate, ${ORGS} orgs × ${REPOS} repos, commits over ${DAYS} UTC day(s), 1–20 commits per push; frames seen by the client: ${frames}; measured for ${((Date.now() - budgetEnd + BUDGET_MS) / 1000).toFixed(0)} s (budget ${BUDGET_MS / 1000} s)`,
  );
  console.log(
    'rate      pipeline p50 / p99 / max (ms)    limit p50 / p99 / max (ms)   p99 ratio  lost (unseen)',
  );
  for (const [i, r] of results.entries()) {
    const l = limits[i]!;
    const ratio = r.p99 / l.p99;
    console.log(
      `${String(r.rate).padEnd(8)}  ${[r.p50, r.p99, r.max]
        .map((v) => v.toFixed(1))
        .join(' / ')
        .padEnd(30)}   ${[l.p50, l.p99, l.max]
        .map((v) => v.toFixed(1))
        .join(' / ')
        .padEnd(
          27,
        )}  ${ratio.toFixed(2).padStart(6)}  ${r.lost}/${l.lost}${r.unseen || l.unseen ? ` (${r.unseen}/${l.unseen})` : ''}`,
    );
  }
  const at200 = results.findIndex((r) => r.rate === 200);
  if (at200 >= 0) {
    const r = results[at200]!;
    const ratio = r.p99 / limits[at200]!.p99;
    console.log(
      `goal at 200/s: p99 ≤ 2× limit — ${ratio.toFixed(2)}× ${ratio <= 2 && !r.unseen ? 'MET' : 'NOT MET'}; p99 ≤ 100 ms — ${r.p99.toFixed(1)} ms ${r.p99 <= 100 && !r.unseen ? 'MET' : 'NOT MET'}; frames lost ${r.lost}${r.unseen ? ` (+${r.unseen} unseen at the budget's end)` : ''} ${r.lost === 0 && !r.unseen ? 'MET' : 'NOT MET'}`,
    );
  }
} finally {
  closeWebhookSockets();
  await pipe.stop();
}
