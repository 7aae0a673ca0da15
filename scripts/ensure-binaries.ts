/**
 * Build or install every server binary and client the tests need, once, before any test
 * runs: `npx tsx scripts/ensure-binaries.ts`. CI calls it in its install step so the
 * minutes of Go builds show up there, not as a slow first test. Exits 1 if a required one
 * is missing.
 */
import { ensureAnalystClient } from '../examples/analysts/analyst-clients.ts';
import { ensureBinary } from '../platform/local-stack/mod.ts';

const started = Date.now();
// One after the other: on 2 cores two Go builds at once took longer (145 s) than in turn
// (104 s). FerretDB is only needed where no mongod exists.
const nats = await ensureBinary('nats-server');
const redis = await ensureBinary('redis-server');
const mongod = await ensureBinary('mongod');
const ferretdb = mongod === undefined ? await ensureBinary('ferretdb') : undefined;
// What analysts run, tested as the README shows it: the nats CLI and the two examples.
const natsCli = await ensureBinary('nats');
const goExample = await ensureAnalystClient('go');
const pythonExample = await ensureAnalystClient('python');

const rows: [string, string | undefined][] = [
  ['nats-server', nats],
  ['redis-server', redis],
  ['mongod', mongod ?? '(not installed: FerretDB serves instead)'],
  ['ferretdb', mongod === undefined ? ferretdb : '(not needed: mongod present)'],
  ['nats (CLI)', natsCli],
  ['go example', goExample?.join(' ')],
  ['py example', pythonExample?.join(' ')],
];
for (const [name, path] of rows) console.log(`${name.padEnd(13)} ${path ?? 'MISSING'}`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (
  [nats, redis, mongod ?? ferretdb, natsCli, goExample, pythonExample].some((x) => x === undefined)
)
  process.exit(1);
