import { fuzzCase, validDelivery, type FuzzCase } from './fuzz-cases.ts';
import { FuzzSender, type Answer } from './fuzz-send.ts';

export interface FuzzOptions {
  port: number;
  count: number;
  seed: number;
  tag: string;
  maxBodyBytes: number;
  concurrency: number;
  /** A /healthz probe after every this many answers, and one at the end. */
  healthEvery: number;
  /** Stop sending after this long (what was sent is still checked). */
  maxSeconds: number;
  /** Messages in the GITHUB stream now. */
  streamMessages(): Promise<number>;
  onProgress?(done: number): void;
}

export interface FuzzReport {
  seed: number;
  sent: number;
  seconds: number;
  classes: Map<string, { count: number; answers: Map<string, number> }>;
  failures: { index: number; cls: string; reason: string }[];
  /** Distinct delivery ids answered 200, and how much the stream grew. */
  accepted: number;
  grew: number;
  status503: number;
  /** 202 answers: the log was slow, the delivery went to ingest's spool. */
  spooled: number;
  healthProbes: number;
  healthFailures: number;
}

/** Why an answer breaks the contract for its case, or undefined when it is right. */
export function judge(c: FuzzCase, a: Answer): string | undefined {
  if (a.error) return `client error: ${a.error}`;
  if (a.status === 'closed') return c.expect.mayClose ? undefined : 'closed with no answer';
  if (a.status === 'timeout') return c.expect.mayHang ? undefined : 'no answer within the timeout';
  if (a.status === 503) return `503 while the log is up: ${a.body.slice(0, 200)}`;
  // 202 (spooled) is a right answer wherever 200 is: the log was slow, the delivery is on disk.
  const allowed = c.expect.statuses.includes(200) ? [...c.expect.statuses, 202] : c.expect.statuses;
  if (!allowed.includes(a.status))
    return `status ${a.status}, expected ${c.expect.statuses.join('/')}: ${a.body.slice(0, 200)}`;
  let json: unknown;
  try {
    json = JSON.parse(a.body);
  } catch {
    return c.expect.plain && a.status >= 400 ? undefined : `not JSON: ${a.body.slice(0, 200)}`;
  }
  if (a.status === 200) {
    const s = (json as { status?: unknown }).status;
    return s === 'accepted' || s === 'duplicate' ? undefined : `200 without status: ${a.body}`;
  }
  if (a.status === 202) {
    const s = (json as { status?: unknown }).status;
    return s === 'spooled' ? undefined : `202 without "spooled": ${a.body}`;
  }
  const e = (json as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof e?.code !== 'string' || typeof e.message !== 'string')
    return `not {error:{code,message}}: ${a.body.slice(0, 200)}`;
  if (c.expect.codes?.length && !c.expect.codes.includes(e.code))
    return `code ${e.code}, expected ${c.expect.codes.join('/')}`;
  return undefined;
}

/** Sends `count` generated cases with bounded concurrency and checks every answer. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const sender = new FuzzSender(o.port, o.concurrency);
  const report: FuzzReport = {
    seed: o.seed,
    sent: 0,
    seconds: 0,
    classes: new Map(),
    failures: [],
    accepted: 0,
    grew: 0,
    status503: 0,
    spooled: 0,
    healthProbes: 0,
    healthFailures: 0,
  };
  const accepted = new Set<string>();
  const before = await o.streamMessages();
  const started = performance.now();
  const deadline = started + o.maxSeconds * 1000;
  let next = 0;
  let done = 0;
  const probe = async () => {
    report.healthProbes++;
    const h = await sender.get('/healthz');
    if (h.status !== 200) {
      report.healthFailures++;
      report.failures.push({ index: done, cls: 'healthz', reason: `healthz: ${h.status}` });
    }
  };
  const worker = async () => {
    while (next < o.count && performance.now() < deadline) {
      const c = fuzzCase(next++, { seed: o.seed, tag: o.tag, maxBodyBytes: o.maxBodyBytes });
      const a = await sender.send(c.wire);
      report.sent++;
      const cls = report.classes.get(c.cls) ?? { count: 0, answers: new Map() };
      report.classes.set(c.cls, cls);
      cls.count++;
      const key = String(a.status);
      cls.answers.set(key, (cls.answers.get(key) ?? 0) + 1);
      if (a.status === 503) report.status503++;
      const reason = judge(c, a);
      if (reason) report.failures.push({ index: c.index, cls: c.cls, reason });
      // Every 2xx counts, expected or not: it promises the delivery is (or will be) in the log.
      if ((a.status === 200 || a.status === 202) && c.delivery) accepted.add(c.delivery);
      if (a.status === 202) report.spooled++;
      if (++done % o.healthEvery === 0) {
        await probe();
        o.onProgress?.(done);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  report.seconds = (performance.now() - started) / 1000;
  await probe();
  // Nothing leaked (in-flight slots, buffers): ingest still takes a delivery after all that.
  const last = await sender.send(validDelivery(`${o.tag}-last`));
  if (last.status === 200) accepted.add(`${o.tag}-last`);
  else
    report.failures.push({
      index: -1,
      cls: 'final-delivery',
      reason: `${last.status} ${last.body}`,
    });
  report.accepted = accepted.size;
  // Spooled deliveries reach the log when the spool forwards them: give it a little time.
  for (let i = 0; i < 300; i++) {
    report.grew = (await o.streamMessages()) - before;
    if (report.grew >= report.accepted || report.spooled === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  sender.close();
  return report;
}

/** True when every invariant holds. */
export function fuzzPassed(r: FuzzReport): boolean {
  return (
    r.failures.length === 0 && r.status503 === 0 && r.healthFailures === 0 && r.grew === r.accepted
  );
}

/** The summary: class → count → answers seen, then the invariants, throughput and seed. */
export function formatReport(r: FuzzReport): string {
  const lines = [`${'class'.padEnd(28)}${'count'.padStart(8)}  answers (status×n)`];
  for (const [cls, s] of [...r.classes].sort(([a], [b]) => a.localeCompare(b))) {
    const answers = [...s.answers].map(([k, n]) => `${k}×${n}`).join(' ');
    lines.push(`${cls.padEnd(28)}${String(s.count).padStart(8)}  ${answers}`);
  }
  const shown = r.failures.slice(0, 20).map((f) => `  #${f.index} ${f.cls}: ${f.reason}`);
  lines.push(
    `requests: ${r.sent} in ${r.seconds.toFixed(1)} s (${(r.sent / r.seconds).toFixed(0)} req/s); seed ${r.seed}`,
    `wrong answers: ${r.failures.length}; 503s: ${r.status503}; 202 spooled: ${r.spooled}; healthz: ${r.healthProbes - r.healthFailures}/${r.healthProbes} ok`,
    `log: 2xx for ${r.accepted} distinct deliveries, GITHUB grew by ${r.grew} ${r.grew === r.accepted ? '(exact)' : '(MISMATCH)'}`,
    ...shown,
    `RESULT: ${fuzzPassed(r) ? 'PASS' : 'FAIL'}`,
  );
  return lines.join('\n');
}
