import { readFileSync } from 'node:fs';
import { credsAuthenticator, type Authenticator } from '@nats-io/nats-core';
import { inboxPrefixOf, type NatsRole } from '../../platform/nats-auth/roles.ts';
import type { RoleCreds } from './servers.ts';

/**
 * Connection options (for nats.js `connect`) that authenticate as `role` with its creds
 * file and use the reply inbox its permissions allow: `connect({ servers, ...as(creds, 'admin') })`.
 */
export function natsAs(
  creds: RoleCreds,
  role: NatsRole,
): { authenticator: Authenticator; inboxPrefix: string } {
  return {
    authenticator: credsAuthenticator(new Uint8Array(readFileSync(creds[role]))),
    inboxPrefix: inboxPrefixOf(role),
  };
}
