/**
 * Run NATS, Redis and a MongoDB-wire server on loopback for local development, until
 * Ctrl-C: `npx tsx scripts/local-stack.ts [dataDir]` (default `.data/local-stack`, kept
 * between runs). Prints the URLs as env lines to paste or `eval`.
 * Ports default to the usual ones; TEAMPULSE_STACK_PORTS=free picks free ports instead.
 */
import { resolve } from 'node:path';
import { startLocalStack } from '../platform/local-stack/mod.ts';

const dataDir = resolve(process.argv[2] ?? '.data/local-stack');
const fixed = process.env.TEAMPULSE_STACK_PORTS !== 'free';
const started = Date.now();
const stack = await startLocalStack({
  dataDir,
  ...(fixed ? { ports: { nats: 4222, redis: 6379, mongo: 27017 } } : {}),
});
console.log(`NATS_URL=${stack.natsUrl}`);
// Auth is on: the tests take each role's creds from here, `teampulse nats-creds` its keys.
console.log(`NATS_AUTH_DIR=${stack.nats.auth?.dir ?? ''}`);
console.log(`REDIS_URL=${stack.redisUrl}`);
console.log(`MONGO_URL=${stack.mongoUrl}`);
console.error(
  `# ${stack.mongo.kind} for MongoDB; started in ${Date.now() - started} ms; data in ${dataDir}; Ctrl-C stops`,
);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  stack.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
