import { MongoClient, type Db } from 'mongodb';
import { Collections } from '../schemas/read-models.ts';

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** Connects to a MongoDB-wire server (MongoDB or FerretDB). */
export async function connectMongo(url: string, dbName: string): Promise<MongoHandle> {
  const client = new MongoClient(url, {
    // An operation waits at most 5 s for a server, then fails (callers retry, and say so).
    serverSelectionTimeoutMS: 5000,
    // The monitor checks the server every second (the default is 10 s): a server that came
    // back is seen within ~1 s, not after up to 10 s of operations failing fast against the
    // old "unknown" description. While an operation waits it checks every 500 ms anyway.
    heartbeatFrequencyMS: 1000,
    // A connection attempt to a server that accepts but does not answer gives up after 5 s
    // (default 30 s), so the pool's next attempt reaches the restarted server sooner.
    connectTimeoutMS: 5000,
    retryWrites: false, // FerretDB has no retryable writes; our writes are idempotent upserts anyway
    appName: 'teampulse',
  });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}

/**
 * Indexes the read models need: the natural keys (unique) and the dashboard's range
 * queries. `suffix` selects a versioned set of collections (replay).
 */
export async function ensureReadModelIndexes(db: Db, suffix = ''): Promise<void> {
  const commits = db.collection(Collections.commits + suffix);
  const snapshots = db.collection(Collections.metricsSnapshots + suffix);
  await Promise.all([
    commits.createIndex({ repoId: 1, sha: 1 }, { unique: true, name: 'repo_sha' }),
    commits.createIndex({ orgId: 1, timestamp: 1 }, { name: 'org_time' }),
    commits.createIndex({ repoId: 1, timestamp: 1 }, { name: 'repo_time' }),
    snapshots.createIndex(
      { orgId: 1, repoId: 1, metricName: 1, timeframeStart: 1 },
      { unique: true, name: 'natural_key' },
    ),
    snapshots.createIndex(
      { orgId: 1, metricName: 1, timeframeStart: 1 },
      { name: 'org_metric_time' },
    ),
  ]);
}
