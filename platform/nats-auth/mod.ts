/**
 * NATS operator/JWT auth for TeamPulse: the keys of one installation, the per-role
 * permissions (as data), minted `.creds` files and the server config fragment.
 */
export { AuthDirFiles, credsPaths, initAuthDir, loadAuthKeys, type AuthDir } from './auth-dir.ts';
export { NatsAuthError, NatsAuthErrorCode } from './errors.ts';
export { parseExpiry } from './expiry.ts';
export {
  AuthKeysFile,
  OPERATOR_NAME,
  SYSTEM_ACCOUNT,
  TEAMPULSE_ACCOUNT,
  createAuthKeys,
  parseAuthKeys,
  serializeAuthKeys,
  type AuthKeys,
} from './keys.ts';
export { mintUserCreds, type MintOptions } from './mint-creds.ts';
export {
  INTERNAL_INBOX_ROOT,
  NatsRoles,
  ROLE_PERMISSIONS,
  inboxPrefixOf,
  isNatsRole,
  type NatsRole,
  type RolePermissions,
  type SubjectRules,
} from './roles.ts';
export { renderAuthFragment } from './server-fragment.ts';
