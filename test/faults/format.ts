/** Prints a fault-suite result as the figures the README quotes. */
import type { FaultSuiteResult } from './fault-suite.ts';

/** The figures of one run, one line each. */
export function formatResult(r: FaultSuiteResult): string[] {
  const rounds = Math.max(0, ...r.kills.map((k) => k.round));
  const perComponent = new Map<string, number[]>();
  for (const k of r.kills)
    perComponent.set(k.component, [...(perComponent.get(k.component) ?? []), k.recoverMs]);
  const out = [
    `[faults] ${r.deliveries} deliveries (${r.distinctDeliveries} distinct ids), sent in ${r.sendMs} ms; answers ${JSON.stringify(r.statuses)}`,
    `[faults] ${rounds} rounds, ${r.kills.length} SIGKILLs: ` +
      [...perComponent]
        .map(([c, ms]) => `${c} ×${ms.length} (recovered in ${ms.join('/')} ms)`)
        .join(', '),
    `[faults] settled in ${r.settleMs} ms; Redis rebuilds ${r.redisRebuilds}; audit: ${r.audit.runs} runs (live projectors), repaired ${r.audit.snapshotsRepaired} snapshots, ${r.audit.countersRepaired} counters`,
  ];
  for (const [model, d] of Object.entries(r.verdict))
    out.push(
      `[faults] ${model}: expected ${d.expected}, stored ${d.stored}; lost ${d.lost}, doubled ${d.doubled}, drift ${d.drift}`,
    );
  return out;
}
