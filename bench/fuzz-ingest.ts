/**
 * Ingest under hostile input: a real ingest (its own process, NATS creds of the ingest role)
 * on a real NATS with auth, sent adversarial requests from a seeded generator.
 *
 *   npm run bench:fuzz-ingest -- [--count 100000] [--seed N] [--concurrency 16] [--max-seconds 900]
 *
 * Passes when every answer is the documented one for its class (JSON error with the right
 * 4xx, 200 for a verified delivery, or a close where the HTTP itself is broken), no 503
 * (NATS stays up), /healthz answers throughout, and GITHUB grows by exactly the number of
 * distinct deliveries answered 200. Exits 1 otherwise. Loopback only.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNats, freePort } from '../platform/local-stack/mod.ts';
import { loadConfig } from '../platform/config.ts';
import { ensureStreams } from '../platform/streams.ts';
import { Streams } from '../schemas/streams.ts';
import { natsAs } from '../test/support/nats-as.ts';
import { FUZZ_SECRET } from './support/fuzz-cases.ts';
import { formatReport, fuzzPassed, runFuzz } from './support/fuzz-run.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1e9) },
    concurrency: { type: 'string', default: '16' },
    'max-seconds': { type: 'string', default: '900' },
  },
});
const MAX_BODY = 1024 * 1024;
const seed = Number(values.seed);
console.log(`bench/fuzz-ingest — seed ${seed} (rerun with --seed ${seed})`);

const dir = await mkdtemp(join(tmpdir(), 'tp-fuzz-ingest-'));
const nats = await startNats({ dataDir: join(dir, 'nats') });
const nc = await connect({ servers: nats.url, ...natsAs(nats.auth!.creds, 'admin') });
const jsm = await jetstreamManager(nc);
await ensureStreams(jsm, loadConfig({}, { NATS_URL: nats.url }));

const port = await freePort();
const ingest = spawn(process.execPath, ['--import', 'tsx', 'ingest/main.ts'], {
  env: {
    ...process.env,
    NATS_URL: nats.url,
    NATS_CREDS: nats.auth!.creds.ingest,
    INGEST_HOST: '127.0.0.1',
    INGEST_PORT: String(port),
    GITHUB_WEBHOOK_SECRET: FUZZ_SECRET,
    INGEST_MAX_BODY_BYTES: String(MAX_BODY),
    INGEST_SPOOL_DIR: join(dir, 'spool'),
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let exited = false;
ingest.on('exit', (code, signal) => {
  exited = true;
  console.error(`ingest exited (${code ?? signal})`);
});
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
  } catch {
    /* not yet */
  }
  if (i > 300 || exited) throw new Error('ingest did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const report = await runFuzz({
  port,
  count: Number(values.count),
  seed,
  tag: `fz${seed.toString(36)}`,
  maxBodyBytes: MAX_BODY,
  concurrency: Number(values.concurrency),
  healthEvery: 1000,
  maxSeconds: Number(values['max-seconds']),
  streamMessages: async () => (await jsm.streams.info(Streams.github.name)).state.messages,
  onProgress: (n) => {
    if (n % 10_000 === 0) console.log(`  ${n} answered`);
  },
});
console.log(formatReport(report));
if (report.sent < Number(values.count))
  console.log(`stopped at --max-seconds: ${report.sent} of ${values.count} sent`);
const alive = !exited;
console.log(`ingest process still running at the end: ${alive ? 'yes' : 'NO'}`);

ingest.kill('SIGTERM');
await nc.close();
await nats.stop();
await rm(dir, { recursive: true, force: true });
process.exit(fuzzPassed(report) && alive ? 0 : 1);
