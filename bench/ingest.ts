/**
 * Ingest throughput and latency, against the limit measured in the same run.
 *
 *   npx tsx bench/ingest.ts [--seconds 8] [--connections 64] [--sync always|interval|both]
 *
 * - ingest runs in its own process; autocannon (another process) sends signed, realistic
 *   push bodies of 5–20 KB, each with a fresh delivery id;
 * - the limit: the same bodies published straight to the same stream from Node with the
 *   same ack semantics (js.publish with Nats-Msg-Id, awaiting each PubAck), same concurrency;
 * - then a fixed 1,000 req/s run for the p99 goal.
 * Both durability modes run by default: the shipped `sync_interval: always`, and NATS's
 * default (fsync every 2 minutes), to show what "2xx means on disk" costs.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { startNats, freePort } from '../platform/local-stack/mod.ts';
import { loadConfig } from '../platform/config.ts';
import { ensureStreams } from '../platform/streams.ts';
import { githubSubject } from '../schemas/subject.ts';
import { simulatedPush } from '../platform/github/simulated-push.ts';
import { signBody } from '../platform/github/sign.ts';
import { natsAs } from '../test/support/nats-as.ts';
import { memoryOf, percentile, row } from './support/proc.ts';
import { vegetaAttack } from './support/vegeta.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '64' },
    sync: { type: 'string', default: 'both' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const SECRET = 'bench-secret';
const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk prints its version and exits 1.
    return (err as { status?: number }).status === 1;
  }
})();

async function run(syncAlways: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tp-bench-ingest-'));
  const nats = await startNats({ dataDir: join(dir, 'nats'), syncAlways });
  const cfg = loadConfig({}, { NATS_URL: nats.url });
  const nc = await connect({ servers: nats.url, ...natsAs(nats.auth!.creds, 'admin') });
  await ensureStreams(await jetstreamManager(nc), cfg);

  // 5–20 KB bodies: 3 to 25 commits per push.
  const bodies = Array.from({ length: 500 }, (_, i) => {
    const body = JSON.stringify(
      simulatedPush(i, {
        orgs: 5,
        repos: 4,
        authors: 12,
        commits: 3 + (i % 23),
        days: 14,
        seed: 'bench',
      }),
    );
    return { body, signature: signBody(SECRET, body) };
  });
  const sizes = bodies.map((b) => b.body.length).sort((a, b) => a - b);
  const bodiesFile = join(dir, 'bodies.json');
  await writeFile(bodiesFile, JSON.stringify(bodies));
  const linesFile = join(dir, 'bodies.tsv');
  await writeFile(linesFile, bodies.map((b) => `${b.signature}\t${b.body}`).join('\n') + '\n');

  // --- the limit: straight JetStream publishes from Node, same bodies, same ack semantics -----
  async function directPublish(
    durationS: number,
  ): Promise<{ rps: number; p50: number; p99: number }> {
    const js = jetstream(nc);
    const encoder = new TextEncoder();
    const encoded = bodies.map((b) => encoder.encode(b.body));
    const latencies: number[] = [];
    const end = performance.now() + durationS * 1000;
    let n = 0;
    const worker = async () => {
      while (performance.now() < end) {
        const i = n++;
        const h = headers();
        h.set('X-GitHub-Event', 'push');
        const t0 = performance.now();
        await js.publish(
          githubSubject('push', `org${i % 5}`, `repo${i % 4}`),
          encoded[i % encoded.length],
          {
            msgID: crypto.randomUUID(),
            headers: h,
          },
        );
        latencies.push(performance.now() - t0);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: connections }, worker));
    const took = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      rps: latencies.length / took,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
    };
  }

  // --- ingest in its own process ----------------------------------------------------------
  const port = await freePort();
  const ingest = spawn(process.execPath, ['--import', 'tsx', 'ingest/main.ts'], {
    env: {
      ...process.env,
      NATS_URL: nats.url,
      NATS_CREDS: nats.auth!.creds.ingest,
      INGEST_PORT: String(port),
      GITHUB_WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      INGEST_MAX_INFLIGHT: '4096',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (i > 100) throw new Error('ingest did not start');
    await new Promise((r) => setTimeout(r, 100));
  }

  interface Load {
    requests: number;
    rps: number;
    p50: number;
    p99: number;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  /** Max throughput with wrk (C, light on the shared cores) when installed, else autocannon. */
  function loadMax(durationSeconds: number): Load {
    if (!hasWrk) return load(0, durationSeconds);
    const out = execFileSync(
      'wrk',
      [
        '-t1',
        `-c${connections}`,
        `-d${durationSeconds}s`,
        '-s',
        'bench/support/ingest-wrk.lua',
        url,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, BODIES_FILE: linesFile },
      },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      requests: number;
      seconds: number;
      p50: number;
      p99: number;
      errors: number;
      non2xx: number;
    };
    return {
      requests: r.requests,
      rps: r.requests / r.seconds,
      p50: r.p50,
      p99: r.p99,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: 0,
    };
  }
  function load(rate: number, durationSeconds: number): Load {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/support/ingest-load.ts',
        JSON.stringify({ url, bodiesFile, connections, durationSeconds, rate }),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    return JSON.parse(out) as Load;
  }

  loadMax(2); // warm-up: JIT, connections, stream files
  const limit = await directPublish(seconds);
  const max = loadMax(seconds);
  const memMax = memoryOf(ingest.pid!);
  const fixed = await vegetaAttack({ url, dir, bodies, rate: 1000, seconds });
  const memEnd = memoryOf(ingest.pid!);

  const ratio = max.rps / limit.rps;
  console.log(
    `\nbench/ingest — sync_interval: ${syncAlways ? 'always (shipped: a 2xx is on disk)' : 'default (fsync every 2 min)'}; bodies ${sizes[0]}–${sizes.at(-1)} B (median ${sizes[sizes.length >> 1]} B), ${connections} in flight, ${seconds} s per run`,
  );
  console.log(row('', 'req/s', 'p50 ms', 'p99 ms', 'errors'));
  console.log(
    row(
      'limit: JetStream publish from Node',
      limit.rps.toFixed(0),
      limit.p50.toFixed(2),
      limit.p99.toFixed(2),
      0,
    ),
  );
  console.log(
    row(
      'ingest, max throughput',
      max.rps.toFixed(0),
      max.p50.toFixed(2),
      max.p99.toFixed(2),
      max.non2xx + max.errors + max.timeouts,
    ),
  );
  console.log(
    row(
      'ingest, fixed 1,000 req/s',
      fixed.rps.toFixed(0),
      fixed.p50.toFixed(2),
      fixed.p99.toFixed(2),
      fixed.non2xx,
    ),
  );
  console.log(
    `ingest RSS: ${memMax.rssMiB.toFixed(0)} MiB after max run, peak ${memEnd.peakMiB.toFixed(0)} MiB`,
  );
  console.log(
    `ratio ingest/limit: ${(ratio * 100).toFixed(0)}% (goal ≥ 50%) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `p99 at 1,000 req/s: ${fixed.p99.toFixed(1)} ms (goal ≤ 20 ms) ${fixed.p99 <= 20 ? 'MET' : 'NOT MET'}`,
  );

  ingest.kill('SIGTERM');
  await nc.close();
  await nats.stop();
  await rm(dir, { recursive: true, force: true });
}

for (const mode of values.sync === 'both' ? [true, false] : [values.sync === 'always'])
  await run(mode);
