/** Prints a fault-suite result as the figures the README quotes. */
import { RECOVER_GOAL_MS, type FaultSuiteResult, type Kill } from './fault-suite.ts';

/** The figures of one run, one line each. */
export function formatResult(r: FaultSuiteResult): string[] {
  const rounds = Math.max(0, ...r.kills.map((k) => k.round));
  const perComponent = new Map<string, Kill[]>();
  for (const k of r.kills)
    perComponent.set(k.component, [...(perComponent.get(k.component) ?? []), k]);
  const out = [
    `[faults] ${r.deliveries} deliveries (${r.distinctDeliveries} distinct ids), sent in ${r.sendMs} ms; answers ${JSON.stringify(r.statuses)}`,
    `[faults] ${rounds} rounds, ${r.kills.length} SIGKILLs; recovered (from the restart, a projector from the kill; goal ${RECOVER_GOAL_MS / 1000} s):`,
    ...[...perComponent].map(([c, kills]) => {
      const resume = kills.flatMap((k) => (k.resumeMs === undefined ? [] : [k.resumeMs]));
      const answer = kills.flatMap((k) => (k.answeredMs === undefined ? [] : [k.answeredMs]));
      const resumed =
        (answer.length > 0 ? `server answered ${answer.join('/')} ms; ` : '') +
        (resume.length > 0 ? `work resumed ${figures(resume)}; first batch acked ` : '');
      return `[faults]   ${c} ×${kills.length}: ${resumed}${figures(kills.map((k) => k.recoverMs))} from the ${kills[0]!.from}`;
    }),
    `[faults]   the killed projectors' messages all processed ${r.heldProcessedMs.map((ms) => (Number.isNaN(ms) ? '>600000' : ms)).join('/')} ms after the kill`,
    `[faults] settled in ${r.settleMs} ms; Redis rebuilds ${r.redisRebuilds} (${r.rebuildMs.join('/')} ms); ${r.suspects} messages of killed projectors re-applied one at a time; audit: ${r.audit.runs} runs (live projectors), repaired ${r.audit.snapshotsRepaired} snapshots, ${r.audit.countersRepaired} counters`,
  ];
  for (const [model, d] of Object.entries(r.verdict))
    out.push(
      `[faults] ${model}: expected ${d.expected}, stored ${d.stored}; lost ${d.lost}, doubled ${d.doubled}, drift ${d.drift}`,
    );
  return out;
}

/** `a/b/c ms (worst x× the goal)`; NaN (not within the suite's 120 s wait) as >120000. */
function figures(ms: readonly number[]): string {
  const late = ms.some(Number.isNaN);
  const worst = late ? 120_000 : Math.max(...ms);
  const list = ms.map((m) => (Number.isNaN(m) ? '>120000' : String(m))).join('/');
  return `${list} ms (worst ${late ? '>' : ''}${(worst / RECOVER_GOAL_MS).toFixed(2)}× the goal)`;
}
