/**
 * Secrets `teampulse up` runs with when none is configured, so a local demo needs no set-up.
 * `simulate` and `token` fall back to the same ones. A deployment sets its own; a gateway
 * started with real secrets rejects tokens signed with these.
 */
export const DEV_WEBHOOK_SECRET = 'teampulse-dev-secret';
export const DEV_JWT_SECRET = 'teampulse-dev-jwt-secret-change-me-0123456789';
