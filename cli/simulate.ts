import type { Command } from 'commander';
import { signBody } from '../platform/github/sign.ts';
import { simulatedPush } from '../platform/github/simulated-push.ts';
import { parsePositiveInt } from './options.ts';
import { InvalidArgumentError } from 'commander';
import { cliConfig, variableFlag } from './cli-config.ts';

export interface SimulateOptions {
  url: string;
  secret: string;
  count: number;
  rate: number;
  concurrency: number;
  orgs: number;
  repos: number;
  authors: number;
  commits: number;
  days: number;
  seed: string;
}

export interface SimulateSummary {
  sent: number;
  byStatus: Record<string, number>;
  seconds: number;
  p50ms: number;
  p99ms: number;
}

/** Sends signed pushes to ingest at a rate (0 = as fast as the concurrency allows). */
export async function simulate(
  o: SimulateOptions,
  onProgress?: (sent: number) => void,
): Promise<SimulateSummary> {
  const endpoint = `${o.url.replace(/\/$/, '')}/api/v1/webhooks/github`;
  const byStatus: Record<string, number> = {};
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < o.count) {
      const i = next++;
      if (o.rate > 0) {
        const due = started + (i * 1000) / o.rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const body = JSON.stringify(simulatedPush(i, o));
      const t0 = performance.now();
      let status = 'error';
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'push',
            'x-github-delivery': crypto.randomUUID(),
            'x-hub-signature-256': signBody(o.secret, body),
            'user-agent': 'GitHub-Hookshot/teampulse-simulate',
          },
          body,
        });
        await res.arrayBuffer();
        status = String(res.status);
      } catch (err) {
        status = `error: ${(err as Error).cause ? String((err as Error).cause) : (err as Error).message}`;
      }
      latencies.push(performance.now() - t0);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      onProgress?.(latencies.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    sent: latencies.length,
    byStatus,
    seconds: (performance.now() - started) / 1000,
    p50ms: pct(0.5),
    p99ms: pct(0.99),
  };
}

function parseHttpUrl(value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw new InvalidArgumentError(`expected an http(s) URL, got "${value}"`);
  return value;
}

/** `teampulse simulate`: signed, realistic push deliveries for demos, tests and benchmarks. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('send signed, realistic GitHub push deliveries to an ingest URL')
    .option('--url <url>', 'ingest base URL', parseHttpUrl, 'http://127.0.0.1:3000')
    .option(
      '--secret <secret>',
      'webhook secret (overrides GITHUB_WEBHOOK_SECRET; default: the dev secret of `teampulse up`)',
      variableFlag('GITHUB_WEBHOOK_SECRET'),
    )
    .option('--count <n>', 'how many pushes', parsePositiveInt, 10)
    .option(
      '--rate <n>',
      'pushes per second (0 = as fast as possible)',
      (v) => parsePositiveInt(v, 'rate', true),
      0,
    )
    .option('--concurrency <n>', 'requests in flight', parsePositiveInt, 16)
    .option('--orgs <n>', 'distinct orgs', parsePositiveInt, 2)
    .option('--repos <n>', 'repos per org', parsePositiveInt, 3)
    .option('--authors <n>', 'distinct authors', parsePositiveInt, 5)
    .option('--commits <n>', 'commits per push', parsePositiveInt, 3)
    .option('--days <n>', 'spread commits over this many days', parsePositiveInt, 7)
    .option('--seed <text>', 'varies commit shas between runs', String(Date.now()))
    .option('--json', 'print the summary as JSON')
    .action(async (opts: Omit<SimulateOptions, 'secret'> & { secret?: string; json?: boolean }) => {
      const cfg = cliConfig(opts.secret ? { GITHUB_WEBHOOK_SECRET: opts.secret } : {}).config;
      // The first of a rotation list signs, as GitHub would with the current secret.
      const secret = cfg.GITHUB_WEBHOOK_SECRET![0]!;
      const summary = await simulate({ ...opts, secret });
      if (opts.json) process.stdout.write(JSON.stringify(summary) + '\n');
      else {
        const statuses = Object.entries(summary.byStatus)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ');
        process.stdout.write(
          `sent ${summary.sent} pushes in ${summary.seconds.toFixed(2)} s (${statuses}); p50 ${summary.p50ms.toFixed(1)} ms, p99 ${summary.p99ms.toFixed(1)} ms\n`,
        );
      }
      if (Object.keys(summary.byStatus).some((s) => s !== '200')) process.exitCode = 1;
    });
}
