import { describe, expect, it } from 'vitest';
import { formatResult } from '../faults/format.ts';
import { Components, runFaultSuite } from '../faults/fault-suite.ts';

// Issue 10 item 4, short form (the full one is `npm run test:faults`): every role its own
// process, one round that SIGKILLs and restarts each of NATS, Redis, MongoDB, a projector,
// the gateway and ingest while a redelivering sender posts ~700 deliveries.
describe('fault suite', () => {
  it('fault suite - one round of SIGKILLs of every component under load: 0 lost, 0 doubled, 0 drift', async () => {
    const r = await runFaultSuite({ seed: 4, deliveries: 700, rounds: 1, paceMs: 60 });
    for (const line of formatResult(r)) console.log(line);
    expect(r.kills.map((k) => k.component).sort()).toEqual([...Components].sort());
    // The sender only stops on a 2xx, so every delivery was answered 2xx at last.
    expect(r.deliveries).toBe(700);
    for (const [model, d] of Object.entries(r.verdict)) {
      expect({ model, lost: d.lost, doubled: d.doubled, drift: d.drift }).toEqual({
        model,
        lost: 0,
        doubled: 0,
        drift: 0,
      });
      expect(d.stored).toBe(d.expected);
    }
  }, 240_000);
});
