/**
 * The gateway role: live `commits:update` frames over uWebSockets.js (per-org rooms, JWT
 * auth at upgrade, resume from the `UPDATES` stream, bounded backpressure) and the
 * dashboard API.
 */
export {
  mintToken,
  signToken,
  tokenFromRequest,
  tokenKeys,
  verifyToken,
  type Principal,
  type TokenGrant,
  type TokenKeys,
} from './auth/mod.ts';
export { DASHBOARD_ROUTE } from './dashboard/mount-dashboard.ts';
export type { Dashboard, DeveloperLine, RepoLine } from './dashboard/dashboard-builder.ts';
export { AuthError, AuthFailure, BadQueryError, ForbiddenOrgError } from './errors.ts';
export { startGateway, type Gateway, type GatewayOptions } from './main.ts';
// Building blocks the gateway benchmark times on their own.
export { decodeUpdate, type DecodedUpdate } from './updates/decode-update.ts';
export { startLiveFeed, type LiveFeed } from './updates/live-feed.ts';
// The contract generator and its tests make real answers and frames with these.
export { DashboardBuilder } from './dashboard/dashboard-builder.ts';
export { activityIndexOf } from './dashboard/activity-index.ts';
export { parseDayRange } from './dashboard/day-range.ts';
// The dashboard benchmark reads the same documents raw, as its limit.
export { DAY_FIELDS, dayIds } from './dashboard/read-dashboard.ts';
export {
  errorFrame,
  pongFrame,
  readyFrame,
  resyncFrame,
  subscribedFrame,
  unsubscribedFrame,
  updateFrame,
} from './ws/frames.ts';
