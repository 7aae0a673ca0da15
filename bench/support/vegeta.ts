import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binDir } from '../../platform/local-stack/mod.ts';

const VEGETA = 'github.com/tsenart/vegeta/v12@v12.13.0';

/**
 * The vegeta load generator (open loop: each request leaves at its due time, whatever the
 * server's latency, so queueing shows in the figures), built once from the Go module proxy
 * into the same cache as the servers.
 */
export function ensureVegeta(): string {
  const bin = join(binDir(), 'vegeta');
  if (existsSync(bin)) return bin;
  mkdirSync(binDir(), { recursive: true });
  process.stderr.write(`building vegeta (${VEGETA}, first run only)…\n`);
  execFileSync('go', ['install', VEGETA], {
    env: { ...process.env, GOBIN: binDir(), GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    stdio: 'inherit',
  });
  return bin;
}

export interface PacedResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** Sends pre-signed webhook deliveries at `rate`/s for `seconds`, each with a fresh delivery id. */
export async function vegetaAttack(opts: {
  url: string;
  dir: string;
  bodies: { body: string; signature: string }[];
  rate: number;
  seconds: number;
}): Promise<PacedResult> {
  const vegeta = ensureVegeta();
  const n = opts.rate * opts.seconds;
  const encoded = opts.bodies.map((b) => Buffer.from(b.body).toString('base64'));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % opts.bodies.length;
    lines.push(
      JSON.stringify({
        method: 'POST',
        url: `${opts.url}/api/v1/webhooks/github`,
        body: encoded[k],
        header: {
          'Content-Type': ['application/json'],
          'X-GitHub-Event': ['push'],
          'X-GitHub-Delivery': [crypto.randomUUID()],
          'X-Hub-Signature-256': [opts.bodies[k]!.signature],
        },
      }),
    );
  }
  const targets = join(opts.dir, 'vegeta-targets.jsonl');
  await writeFile(targets, lines.join('\n') + '\n');
  const results = join(opts.dir, 'vegeta-results.bin');
  await promisify(execFile)(vegeta, [
    'attack',
    '-format=json',
    `-targets=${targets}`,
    `-rate=${opts.rate}/s`,
    `-duration=${opts.seconds}s`,
    '-keepalive=true',
    `-output=${results}`,
  ]);
  const { stdout } = await promisify(execFile)(vegeta, ['report', '-type=json', results]);
  const report = JSON.parse(stdout) as {
    requests: number;
    throughput: number;
    latencies: Record<string, number>;
    status_codes: Record<string, number>;
  };
  return {
    requests: report.requests,
    rps: report.throughput,
    p50: (report.latencies['50th'] ?? NaN) / 1e6,
    p99: (report.latencies['99th'] ?? NaN) / 1e6,
    non2xx: report.requests - (report.status_codes['200'] ?? 0),
  };
}
