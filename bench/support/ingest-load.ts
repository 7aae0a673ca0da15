/**
 * Load generator for bench/ingest.ts, run as its own process so it does not share an
 * event loop with ingest. Reads its job as JSON from argv[2], prints autocannon's result as JSON.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

interface Job {
  url: string;
  bodiesFile: string;
  connections: number;
  durationSeconds: number;
  /** Requests per second overall; 0 = as fast as possible. */
  rate: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const bodies = JSON.parse(readFileSync(job.bodiesFile, 'utf8')) as {
  body: string;
  signature: string;
}[];
let i = 0;
const result = await autocannon({
  url: `${job.url}/api/v1/webhooks/github`,
  connections: job.connections,
  duration: job.durationSeconds,
  ...(job.rate > 0 ? { overallRate: job.rate } : {}),
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        const b = bodies[i++ % bodies.length]!;
        return {
          ...req,
          body: b.body,
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'push',
            // A fresh delivery id per request: duplicates would be cheaper and flatter the figure.
            'x-github-delivery': crypto.randomUUID(),
            'x-hub-signature-256': b.signature,
          },
        };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
  }),
);
