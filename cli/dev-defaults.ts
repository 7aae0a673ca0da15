import type { ConfigValues } from '../platform/config.ts';

/**
 * Secrets `teampulse up` runs with when none is configured, so a local demo needs no set-up.
 * `simulate` and `token` fall back to the same ones. A deployment sets its own; a gateway
 * started with real secrets rejects tokens signed with these.
 */
export const DEV_WEBHOOK_SECRET = 'teampulse-dev-secret';
export const DEV_JWT_SECRET = 'teampulse-dev-jwt-secret-change-me-0123456789';
/** Where per-repository secrets live unless `--file` or GITHUB_REPO_SECRETS_FILE says otherwise. */
export const DEFAULT_REPO_SECRETS_FILE = '.data/repo-secrets.json';

/** What every command falls back to when the environment leaves a variable unset. */
export const DevDefaults = {
  GITHUB_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
  GATEWAY_JWT_SECRETS: DEV_JWT_SECRET,
  GITHUB_REPO_SECRETS_FILE: DEFAULT_REPO_SECRETS_FILE,
} as const satisfies ConfigValues;
