import { Counter, Gauge, type Registry } from 'prom-client';
import type { SpoolStats } from './spool.ts';

/** The spool's Prometheus metrics; the gauges read `stats` when scraped. */
export function spoolMetrics(registry: Registry, stats: () => SpoolStats) {
  return {
    records: new Gauge({
      name: 'teampulse_ingest_spool_records',
      help: 'Spooled deliveries not yet forwarded to the log',
      registers: [registry],
      collect() {
        this.set(stats().records);
      },
    }),
    bytes: new Gauge({
      name: 'teampulse_ingest_spool_bytes',
      help: 'Bytes of spooled deliveries not yet forwarded (counted against INGEST_SPOOL_MAX_BYTES)',
      registers: [registry],
      collect() {
        this.set(stats().bytes);
      },
    }),
    oldestAge: new Gauge({
      name: 'teampulse_ingest_spool_oldest_age_seconds',
      help: 'Age of the oldest spooled delivery not yet forwarded; 0 when the spool is empty',
      registers: [registry],
      collect() {
        const oldest = stats().oldestReceivedAtMs;
        this.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    }),
    spooled: new Counter({
      name: 'teampulse_ingest_spooled_total',
      help: 'Deliveries written to the spool (answered 202 spooled)',
      registers: [registry],
    }),
    forwarded: new Counter({
      name: 'teampulse_ingest_spool_forwarded_total',
      help: 'Spooled deliveries the log acknowledged, by outcome (appended or duplicate)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'teampulse_ingest_spool_rejected_total',
      help: 'Spooled deliveries the log refused for their content (logged with their delivery id, dropped)',
      registers: [registry],
    }),
    tornBytes: new Counter({
      name: 'teampulse_ingest_spool_torn_bytes_total',
      help: 'Bytes of torn records (a crash mid-write, never acknowledged) discarded at start',
      registers: [registry],
    }),
  };
}
export type SpoolMetrics = ReturnType<typeof spoolMetrics>;
