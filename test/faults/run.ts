/**
 * `npm run test:faults`: the full fault suite (≥ 5,000 deliveries, several rounds of kills).
 * `FAULTS_DELIVERIES`, `FAULTS_ROUNDS` and `FAULTS_SEED` change its size and seed. Exits 1
 * unless every read model is exact.
 */
import { exact } from './fault-compare.ts';
import { formatResult } from './format.ts';
import { runFaultSuite } from './fault-suite.ts';

const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const result = await runFaultSuite({
  seed: num(process.env.FAULTS_SEED, 10),
  deliveries: num(process.env.FAULTS_DELIVERIES, 5000),
  rounds: num(process.env.FAULTS_ROUNDS, 3),
  paceMs: 40,
});
for (const line of formatResult(result)) console.log(line);
const ok = exact(result.verdict);
console.log(ok ? '[faults] PASS: 0 lost, 0 doubled, 0 drift' : '[faults] FAIL: see above');
process.exit(ok ? 0 : 1);
