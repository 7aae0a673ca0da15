/**
 * Build or install every server binary the tests need, once, before any test runs:
 * `npx tsx scripts/ensure-binaries.ts`. CI calls it in its install step so the minutes of
 * Go builds show up there, not as a slow first test. Exits 1 if a required one is missing.
 */
import { ensureBinary } from '../platform/local-stack/mod.ts';

const started = Date.now();
// One after the other: on 2 cores two Go builds at once took longer (145 s) than in turn
// (104 s). FerretDB is only needed where no mongod exists.
const nats = await ensureBinary('nats-server');
const redis = await ensureBinary('redis-server');
const mongod = await ensureBinary('mongod');
const ferretdb = mongod === undefined ? await ensureBinary('ferretdb') : undefined;

const rows: [string, string | undefined][] = [
  ['nats-server', nats],
  ['redis-server', redis],
  ['mongod', mongod ?? '(not installed: FerretDB serves instead)'],
  ['ferretdb', mongod === undefined ? ferretdb : '(not needed: mongod present)'],
];
for (const [name, path] of rows) console.log(`${name.padEnd(13)} ${path ?? 'MISSING'}`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (nats === undefined || redis === undefined || (mongod ?? ferretdb) === undefined)
  process.exit(1);
