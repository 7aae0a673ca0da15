import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import {
  startMongo,
  startNats,
  type MongoServer,
  type NatsServer,
} from '../../platform/local-stack/mod.ts';
import { ensureReadModelIndexes } from '../../platform/mongo.ts';

/** A dashboard bench's servers, on loopback in a temp dir of its own. */
export interface BenchStores {
  readonly nats: NatsServer;
  readonly mongo: MongoServer;
  /** The `bench` database, with the read-model indexes. */
  readonly db: Db;
  /** Closes the client, stops both servers and deletes their data. */
  stop(): Promise<void>;
}

/** Starts NATS and a MongoDB-wire server (FerretDB here, mongod where installed) for a bench. */
export async function startBenchStores(tag: string): Promise<BenchStores> {
  const dir = await mkdtemp(join(tmpdir(), `teampulse-bench-${tag}-`));
  const nats = await startNats({ dataDir: join(dir, 'nats') });
  const mongo = await startMongo({ dataDir: join(dir, 'mongo') });
  const client = new MongoClient(mongo.url);
  const db = client.db('bench');
  await ensureReadModelIndexes(db);
  return {
    nats,
    mongo,
    db,
    async stop() {
      await client.close();
      await mongo.stop();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
