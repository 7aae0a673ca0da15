import { Counter, Histogram, type Registry } from 'prom-client';

/** Ingest's Prometheus metrics. */
export function ingestMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'teampulse_ingest_requests_total',
      help: 'Webhook requests by HTTP status and event',
      labelNames: ['status', 'event'] as const,
      registers: [registry],
    }),
    appendSeconds: new Histogram({
      name: 'teampulse_ingest_append_seconds',
      help: 'Time from a verified body to the JetStream PubAck',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    bytes: new Counter({
      name: 'teampulse_ingest_bytes_total',
      help: 'Body bytes appended to the log',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'teampulse_ingest_duplicates_total',
      help: 'Deliveries the stream already had (same delivery GUID inside the dedupe window)',
      registers: [registry],
    }),
    external: new Counter({
      name: 'teampulse_ingest_external_bodies_total',
      help: 'Bodies above max_payload stored in the object store',
      registers: [registry],
    }),
  };
}
export type IngestMetrics = ReturnType<typeof ingestMetrics>;
