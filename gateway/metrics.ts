import { Counter, Gauge, Histogram, type Registry } from '../platform/metrics.ts';

/** The gateway's Prometheus metrics. */
export interface GatewayMetrics {
  connections: Gauge;
  framesSent: Counter;
  updatesReceived: Counter;
  invalidUpdates: Counter;
  resumes: Counter;
  resyncs: Counter<'reason'>;
  slowClientCloses: Counter;
  authFailures: Counter<'reason' | 'route'>;
  dashboardSeconds: Histogram<'status'>;
  /** Day rollups the dashboard took from its cache (`hit`) or read from the store (`miss`). */
  dashboardDays: Counter<'result'>;
  freshnessSeconds: Histogram;
}

/** Registers the gateway's metrics on a registry. */
export function gatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  return {
    connections: new Gauge({
      name: 'gateway_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    framesSent: new Counter({
      name: 'gateway_frames_sent_total',
      help: 'commits:update frames handed to sockets (live fan-out and resume replay)',
      registers,
    }),
    updatesReceived: new Counter({
      name: 'gateway_updates_received_total',
      help: 'COMMITS_UPDATED messages read from the UPDATES stream',
      registers,
    }),
    invalidUpdates: new Counter({
      name: 'gateway_invalid_updates_total',
      help: 'Messages on UPDATES that were not a valid COMMITS_UPDATED for their subject (skipped)',
      registers,
    }),
    resumes: new Counter({
      name: 'gateway_resumes_total',
      help: 'Connections that resumed with since',
      registers,
    }),
    resyncs: new Counter({
      name: 'gateway_resyncs_total',
      help: 'Resumes answered with resync (missed updates gone, too many, or unreadable)',
      labelNames: ['reason'],
      registers,
    }),
    slowClientCloses: new Counter({
      name: 'gateway_slow_client_closes_total',
      help: 'Sockets closed because their send buffer went over the limit',
      registers,
    }),
    authFailures: new Counter({
      name: 'gateway_auth_failures_total',
      help: 'Requests refused for their token (WebSocket upgrade or API)',
      labelNames: ['reason', 'route'],
      registers,
    }),
    dashboardSeconds: new Histogram({
      name: 'gateway_dashboard_request_seconds',
      help: 'Dashboard API latency',
      labelNames: ['status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    dashboardDays: new Counter({
      name: 'teampulse_gateway_dashboard_days_total',
      help: 'Day rollups a dashboard answer used, from the gateway cache (hit) or the store (miss)',
      labelNames: ['result'],
      registers,
    }),
    freshnessSeconds: new Histogram({
      name: 'teampulse_gateway_freshness_seconds',
      help: 'From ingest receiving a delivery (lineage receivedAt) to its update frame handed to live sockets',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}
