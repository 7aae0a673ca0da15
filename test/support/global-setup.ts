/**
 * vitest globalSetup of the `int` and `e2e` tiers: runs once in the main vitest process,
 * before any worker forks.
 *
 * 1. Makes sure the server binaries exist, so the one-time Go builds happen here, once,
 *    rather than in several workers at the same time (they would wait on a lock anyway).
 * 2. Starts the MongoDB-wire server the whole run shares (unless `MONGO_URL` is set) and
 *    hands its URL to the workers with `project.provide('teampulseMongoUrl', url)`;
 *    `useServers()` reads it with `inject`. provide/inject is vitest's supported channel
 *    from globalSetup to workers; an env var set here would reach only workers forked
 *    after it, which depends on pool internals.
 *
 * Both tiers list this file, and vitest runs a project's globalSetup once per project.
 * The server is therefore kept on `globalThis` (one main process) with a count of users,
 * so running `int` and `e2e` together still starts a single server.
 */
import type { TestProject } from 'vitest/node';
import { ensureBinary } from '../../platform/local-stack/mod.ts';
import { dockerAvailable, startSharedMongo, type Provided } from './servers.ts';

interface SharedMongo {
  users: number;
  server: Promise<Provided>;
}

const KEY = Symbol.for('teampulse.test.sharedMongo');
type Holder = { [KEY]?: SharedMongo };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const docker = await dockerAvailable();
  project.provide('teampulseDocker', docker);
  // Fault-injection tests always run local binaries, whatever else provides the servers.
  await ensureBinary('nats-server');
  await ensureBinary('redis-server');
  // One after the other: on 2 cores two Go builds at once took longer (145 s) than in turn (104 s).
  if ((await ensureBinary('mongod')) === undefined) await ensureBinary('ferretdb');

  if (process.env.MONGO_URL) return async () => undefined;
  const holder = globalThis as Holder;
  const shared = (holder[KEY] ??= { users: 0, server: startSharedMongo() });
  shared.users += 1;
  let server: Provided;
  try {
    server = await shared.server;
  } catch (err) {
    shared.users -= 1;
    if (shared.users === 0) delete holder[KEY];
    throw err;
  }
  project.provide('teampulseMongoUrl', server.url);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete holder[KEY];
    await server.stop();
  };
}
