/**
 * The TeamPulse client library for dashboard builders: fetch an org's dashboard, then follow
 * its live updates over `/ws` with resume, resync, and token refresh. Works in browsers and
 * in Node 20 (pass `WebSocket` from the `ws` package). Types come from `schemas/`.
 */
export { connect, type Client, type ConnectOptions } from './connect.ts';
export { ConnectionState } from './connection-state.ts';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export { BadFrameError, GatewayHttpError, UnauthorizedError } from './errors.ts';
export { fetchDashboard, type DashboardRequest, type FetchLike } from './fetch-dashboard.ts';
export type { WebSocketConstructor, WebSocketLike } from './socket.ts';
export type { Dashboard } from '../schemas/dashboard.ts';
export type { ResyncFrame, UpdateFrame } from '../schemas/ws-frames.ts';
