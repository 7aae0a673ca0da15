/**
 * A projector in its own process, for tests that need real processes (two on one durable,
 * SIGTERM, a message that kills the process). Config from the environment like
 * `projector/main.ts`; `TEAMPULSE_TEST_CRASH_ON=<delivery id>` makes the process exit(70)
 * whenever it is about to apply that delivery. Prints `ready` once running.
 */
import { loadConfig } from '../../platform/config.ts';
import { startProjector } from '../main.ts';

const crashOn = process.env.TEAMPULSE_TEST_CRASH_ON;
const handle = await startProjector(loadConfig(), {
  ...(crashOn
    ? {
        faults: (event) => {
          if (event.deliveryId === crashOn) process.exit(70);
        },
      }
    : {}),
});
process.stdout.write('ready\n');
const stop = () => void handle.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
