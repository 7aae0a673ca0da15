import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuditResult } from './auditor.ts';

const MODELS = ['snapshots', 'counters'] as const;

/** The continuous audit's metrics; `record` is the auditor's `onRun`. */
export function auditMetrics(registry: Registry) {
  const runs = new Counter({
    name: 'teampulse_projector_audit_runs_total',
    help: 'Audit runs made by this process',
    registers: [registry],
  });
  const checked = new Counter({
    name: 'teampulse_projector_audit_checked_total',
    help: 'Read-model entries the audit compared with commits (snapshots; counters and seen sets)',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  const drift = new Counter({
    name: 'teampulse_projector_audit_drift_total',
    help: 'Entries the audit found different from commits',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  const repaired = new Counter({
    name: 'teampulse_projector_audit_repaired_total',
    help: 'Entries the audit rewrote through the normal write path',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  const lastDrift = new Gauge({
    name: 'teampulse_projector_audit_last_drift',
    help: 'Entries the last audit run found different, by model',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  return {
    record(run: AuditResult): void {
      runs.inc();
      for (const model of MODELS) {
        checked.inc({ model }, run[model].checked);
        drift.inc({ model }, run[model].drift);
        repaired.inc({ model }, run[model].repaired);
        lastDrift.set({ model }, run[model].drift);
      }
    },
  };
}
