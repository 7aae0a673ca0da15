/**
 * Soak: the whole pipeline at a steady realistic rate for a while, watching each role's
 * memory, the projector's lag and the gateway's frames; at the end nothing may be lost.
 *
 *   npm run bench:soak -- [--minutes 2] [--rate 50] [--orgs 4] [--repos 5] [--sample 5]
 *                         [--warmup 0.5] [--threshold 1] [--drain 30]
 *
 * - the local stack with NATS auth, ingest, projector and gateway as child processes with
 *   their own credentials, one WebSocket client (bench/support/pipeline.ts);
 * - open loop: push i leaves at start + i/rate whatever came back before; 1–5 commits each,
 *   across orgs × repos, for `--minutes`;
 * - every `--sample` seconds: each role's RSS (/proc/<pid>/status VmRSS) and V8 heap used
 *   (`nodejs_heap_size_used_bytes`), the projector's lag (`teampulse_projector_lag`, the
 *   consumer's num_pending) and what it holds (`teampulse_projector_ack_pending`: fetched,
 *   not yet acked; at most three batches), and the gateway's `gateway_frames_sent_total`;
 * - at the end: waits for the frames (`--drain` s without progress gives up), then checks
 *   every accepted delivery's commits are in MongoDB `commits` and that its frame came.
 * Exits 1 when anything was lost, or when a role's memory grows steadily in the steady
 * state (the second half of the run, not before `--warmup` minutes): its RSS, or its heap's
 * floor (the lowest heap-used sample of each window: what survives GC), with a slope above
 * `--threshold` MiB/min that a line fits with r² ≥ 0.5, and above it in each half of the
 * steady state too. A heap still growing to its working size in the first half, or RSS
 * that steps up once, is not a leak; memory that keeps growing is. Judged only in runs of
 * 10 minutes or more: a shorter steady state cannot tell them apart.
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { simulatedPush } from '../platform/github/simulated-push.ts';
import { signBody } from '../platform/github/sign.ts';
import { Roles, startPipeline, type Role } from './support/pipeline.ts';
import { closeWebhookSockets, postWebhook } from './support/post-webhook.ts';
import { memoryOf } from './support/proc.ts';
import { floors, memoryTrend, metricValue, steadyFrom } from './support/soak-stats.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    rate: { type: 'string', default: '50' },
    orgs: { type: 'string', default: '4' },
    repos: { type: 'string', default: '5' },
    sample: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '0.5' },
    threshold: { type: 'string', default: '1' },
    drain: { type: 'string', default: '30' },
  },
});
const num = (name: keyof typeof args) => {
  const v = Number(args[name]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`soak: --${name} must be a positive number, got "${args[name]}"`);
    process.exit(2);
  }
  return v;
};
const MINUTES = num('minutes');
const RATE = num('rate');
const ORGS = num('orgs');
const REPOS = num('repos');
const SAMPLE_MS = num('sample') * 1000;
const WARMUP_MIN = Number(args.warmup);
const THRESHOLD = num('threshold');
const DRAIN_MS = num('drain') * 1000;
/** The shortest steady state whose memory trend is judged (a run of twice this). */
const MIN_JUDGED_MIN = 5;
const SECRET = 'bench-soak-secret';
const JWT_SECRET = 'bench-soak-jwt-secret-0123456789abcdef';
/** A push not answered in this time counts as refused. */
const SEND_TIMEOUT_MS = 30_000;

interface Sample {
  min: number;
  rss: Record<Role, number>;
  /** V8 heap used, MiB. */
  heap: Record<Role, number>;
  lag: number;
  /** Delivered to the projector and not yet acked: what it holds (prefetched, in flight). */
  held: number;
  frames: number;
  sent: number;
}

const pipe = await startPipeline({
  name: 'soak',
  webhookSecret: SECRET,
  jwtSecret: JWT_SECRET,
  orgs: ORGS,
});
try {
  const received = new Set<string>();
  let clientFrames = 0;
  await new Promise<void>((resolve, reject) => {
    pipe.client.on('message', (m: { type: string; ids?: string[]; code?: number }) => {
      if (m.type === 'ready') resolve();
      if (m.type === 'closed') reject(new Error(`client closed: ${m.code}`));
      if (m.type !== 'frame') return;
      clientFrames++;
      for (const id of m.ids ?? []) received.add(id);
    });
  });

  const endpoint = `http://127.0.0.1:${pipe.ports.ingest}/api/v1/webhooks/github`;
  /** Accepted (2xx) deliveries → the shas of their commits. */
  const accepted = new Map<string, string[]>();
  const refused = new Map<string, number>();
  let inflight = 0;
  let sent = 0;
  const send = async (i: number) => {
    const payload = simulatedPush(i, {
      orgs: ORGS,
      repos: REPOS,
      authors: 40,
      commits: 1 + ((i * 7) % 5),
      days: 7,
      seed: 'soak',
    });
    const body = JSON.stringify(payload);
    const id = `soak-${i}-${crypto.randomUUID()}`;
    const status = await postWebhook(
      endpoint,
      { id, body, signature: signBody(SECRET, body) },
      SEND_TIMEOUT_MS,
    );
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
    accepted.set(
      id,
      (payload.commits as { id: string }[]).map((c) => c.id),
    );
  };

  const samples: Sample[] = [];
  const t0 = Date.now();
  const sample = async () => {
    const texts = await Promise.all(
      Roles.map((r) => pipe.http(r, '/metrics').then((res) => res.text())),
    );
    const metrics = Object.fromEntries(Roles.map((r, i) => [r, texts[i]!])) as Record<Role, string>;
    const perRole = (f: (r: Role) => number) =>
      Object.fromEntries(Roles.map((r) => [r, f(r)])) as Record<Role, number>;
    samples.push({
      min: (Date.now() - t0) / 60_000,
      rss: perRole((r) => memoryOf(pipe.procs[r].pid!).rssMiB),
      heap: perRole((r) => metricValue(metrics[r], 'nodejs_heap_size_used_bytes') / 2 ** 20),
      lag: metricValue(metrics.projector, 'teampulse_projector_lag'),
      held: metricValue(metrics.projector, 'teampulse_projector_ack_pending'),
      frames: metricValue(metrics.gateway, 'gateway_frames_sent_total'),
      sent,
    });
  };
  await sample();
  const sampler = setInterval(
    () => void sample().catch((e: Error) => console.error(e.message)),
    SAMPLE_MS,
  );

  // Open loop: each push at its due time, whatever the earlier ones are doing.
  let lateMs = 0;
  const end = t0 + MINUTES * 60_000;
  for (let i = 0; ; i++) {
    const due = t0 + (i * 1000) / RATE;
    if (due >= end) break;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lateMs = Math.max(lateMs, Date.now() - due);
    sent++;
    inflight++;
    send(i).then(
      () => inflight--,
      (err: Error & { cause?: { code?: string } }) => {
        inflight--;
        const why = err.cause?.code ?? err.message;
        refused.set(why, (refused.get(why) ?? 0) + 1);
      },
    );
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 50));
  const sentFor = (Date.now() - t0) / 60_000;

  // Settle: the frames of every accepted delivery, or no progress for DRAIN_MS.
  let seen = received.size;
  let progressAt = Date.now();
  while ([...accepted.keys()].some((id) => !received.has(id))) {
    if (received.size !== seen) [seen, progressAt] = [received.size, Date.now()];
    if (Date.now() - progressAt > DRAIN_MS) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(sampler);
  await sample();

  // Lost: accepted deliveries whose commits are not all in MongoDB, or whose frame never came.
  const mongo = new MongoClient(pipe.stack.mongoUrl);
  const commits = mongo.db('soak').collection<{ sha: string }>('commits');
  const shas = [...new Set([...accepted.values()].flat())];
  const stored = new Set<string>();
  // One pass over the whole collection (the bench's own database): `sha` alone has no index,
  // so `$in` chunks would each scan it.
  for await (const d of commits.find({}, { projection: { sha: 1 } })) stored.add(d.sha);
  await mongo.close();
  let lostCommits = 0;
  let lostFrames = 0;
  for (const [id, ids] of accepted) {
    if (ids.some((s) => !stored.has(s))) lostCommits++;
    if (!received.has(id)) lostFrames++;
  }

  // Report.
  const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
  console.log(
    `\nbench/soak — ${RATE} pushes/s open loop for ${f(sentFor, 2)} min, ${ORGS} orgs × ${REPOS} repos, 1–5 commits per push, 1 WebSocket client; sampled every ${SAMPLE_MS / 1000} s`,
  );
  const step = Math.max(1, Math.ceil(samples.length / 30));
  console.log(
    `  ${'min'.padStart(6)}${Roles.map((r) => `${r} RSS/heap`.padStart(20)).join('')}${'lag'.padStart(8)}${'held'.padStart(8)}${'frames'.padStart(10)}${'sent'.padStart(10)}`,
  );
  for (const [k, s] of samples.entries()) {
    if (k % step !== 0 && k !== samples.length - 1) continue;
    console.log(
      `  ${f(s.min, 2).padStart(6)}${Roles.map((r) => `${f(s.rss[r], 0)}/${f(s.heap[r], 0)}`.padStart(20)).join('')}${String(s.lag).padStart(8)}${String(s.held).padStart(8)}${String(s.frames).padStart(10)}${String(s.sent).padStart(10)}`,
    );
  }
  // Memory under load (the samples while sending, not the drain's); the steady state; the
  // heap's floor per window (a minute, or a tenth of a short run, at least three samples).
  const loaded = samples.filter((s) => s.min <= sentFor);
  const from = steadyFrom(sentFor, WARMUP_MIN);
  const judged = sentFor - from >= MIN_JUDGED_MIN;
  const window = Math.max((3 * SAMPLE_MS) / 60_000, Math.min(1, sentFor / 10));
  console.log(
    `\n  MiB: first / min / max / last over the run; slope (MiB/min, r²) fitted from min ${f(from, 2)} (the steady state) to the last push`,
  );
  console.log(
    `  ${''.padEnd(12)}${'RSS'.padStart(24)}${'slope'.padStart(22)}${`heap floor (per ${f(window * 60, 0)} s)`.padStart(30)}${'slope'.padStart(22)}`,
  );
  let growing = false;
  for (const r of Roles) {
    const rss = memoryTrend(
      loaded.map((s) => ({ min: s.min, mib: s.rss[r] })),
      from,
      THRESHOLD,
    );
    const heap = memoryTrend(
      floors(
        loaded.map((s) => ({ min: s.min, mib: s.heap[r] })),
        window,
      ),
      from,
      THRESHOLD,
    );
    growing ||= judged && (rss.growing || heap.growing);
    const four = (t: typeof rss) => [t.first, t.min, t.max, t.last].map((v) => f(v, 0)).join(' / ');
    const slope = (t: typeof rss) =>
      `${f(t.slope, 2)} (${f(t.r2, 2)})${judged && t.growing ? ' GROWING' : ''}`;
    console.log(
      `  ${r.padEnd(12)}${four(rss).padStart(24)}${slope(rss).padStart(22)}${four(heap).padStart(30)}${slope(heap).padStart(22)}`,
    );
  }
  if (!judged)
    console.log(
      `  memory not judged: a steady state of ${f(sentFor - from, 2)} min (under ${MIN_JUDGED_MIN}) cannot tell a heap reaching its working size from a leak; run --minutes ${2 * MIN_JUDGED_MIN} or more`,
    );
  if (growing)
    console.log(
      `  GROWING: a slope above ${THRESHOLD} MiB/min that a line fits (r² ≥ 0.5), in each half of the steady state`,
    );
  const lags = samples.map((s) => s.lag).filter(Number.isFinite);
  const held = samples.map((s) => s.held).filter(Number.isFinite);
  const most = (xs: number[]) => (xs.length ? Math.max(...xs) : '—');
  console.log(
    `  projector lag (not yet delivered to it): max ${most(lags)}, last ${lags.at(-1) ?? '—'}; held (delivered, not acked): max ${most(held)}, last ${held.at(-1) ?? '—'}; sender at most ${f(lateMs)} ms late`,
  );
  console.log(
    `  totals: ${sent} sent, ${accepted.size} accepted (${[...refused].map(([why, n]) => `${n} refused: ${why}`).join(', ') || 'none refused'}), ${shas.length} commits, ${stored.size} stored; gateway frames ${samples.at(-1)?.frames}, client frames ${clientFrames}`,
  );
  console.log(
    `  lost: ${lostCommits} deliveries with commits missing from MongoDB, ${lostFrames} without a frame`,
  );
  const ok = lostCommits === 0 && lostFrames === 0 && !growing;
  console.log(ok ? '  SOAK OK' : '  SOAK FAILED');
  if (!ok) process.exitCode = 1;
} finally {
  closeWebhookSockets();
  await pipe.stop();
}
