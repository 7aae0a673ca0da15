/**
 * Where a client connection is:
 * - `connecting`: fetching the dashboards and opening the socket for the first time;
 * - `live`: the socket is open and every update up to now has been delivered;
 * - `resuming`: the socket dropped; reconnecting with `?since=<last seq>` (no gap);
 * - `stale`: still resuming, but for longer than `staleAfterMs`: the numbers may be old;
 * - `unauthorized`: the token was refused and no fresh one came from `getToken`: stopped;
 * - `closed`: `close()` was called, or the gateway refused the request for good (400/403).
 */
export const ConnectionState = {
  connecting: 'connecting',
  live: 'live',
  resuming: 'resuming',
  stale: 'stale',
  unauthorized: 'unauthorized',
  closed: 'closed',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];
