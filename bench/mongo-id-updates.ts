/**
 * Updates by `_id` against the local stack's MongoDB-wire server, as its collection grows:
 * `npx tsx bench/mongo-id-updates.ts`. Snapshots are written this way after every batch,
 * so the time per update must not grow with the collection (an index lookup, not a scan).
 * FerretDB 1.24 scanned (see FERRETDB_PATCHES in platform/local-stack/go-build.ts).
 * Starts its own servers on loopback and stops them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startMongo } from '../platform/local-stack/mod.ts';
import { row } from './support/proc.ts';

const SIZES = [1_000, 10_000, 30_000];
const UPDATES = 200;

const dir = await mkdtemp(join(tmpdir(), 'tp-bench-id-'));
const mongo = await startMongo({ dataDir: dir });
const client = await MongoClient.connect(mongo.url);
try {
  const coll = client.db('bench').collection<{ _id: string; v: number; payload: unknown }>('docs');
  console.log(row('documents', 'update by _id', 'find by _id'));
  const results: number[] = [];
  for (const size of SIZES) {
    const have = await coll.countDocuments();
    const docs = Array.from({ length: size - have }, (_, i) => ({
      _id: `doc-${have + i}`,
      v: i,
      payload: { developers: Array.from({ length: 10 }, (_, k) => ({ devId: `dev${k}`, n: k })) },
    }));
    if (docs.length > 0) await coll.insertMany(docs);
    // Spread over the collection, so a scan that stops at the first match cannot hide.
    const ids = Array.from(
      { length: UPDATES },
      (_, i) => `doc-${Math.floor((i * size) / UPDATES)}`,
    );
    let t = performance.now();
    for (const [i, _id] of ids.entries())
      await coll.replaceOne({ _id }, { v: -i, payload: {} }, { upsert: true });
    const perUpdate = (performance.now() - t) / UPDATES;
    results.push(perUpdate);
    t = performance.now();
    for (let i = 0; i < 20; i++) await coll.findOne({ _id: `doc-${size - 1 - i}` });
    console.log(
      row(
        String(size),
        `${perUpdate.toFixed(2)} ms`,
        `${((performance.now() - t) / 20).toFixed(2)} ms`,
      ),
    );
  }
  console.log(
    row(
      'growth',
      `${(results.at(-1)! / results[0]!).toFixed(1)}x for ${SIZES.at(-1)! / SIZES[0]!}x the documents`,
    ),
  );
  console.log(row('server', mongo.kind ?? 'ferretdb'));
} finally {
  await client.close();
  await mongo.stop();
  await rm(dir, { recursive: true, force: true });
}
