import { encodeUser, fmtCreds } from '@nats-io/jwt';
import { createUser } from '@nats-io/nkeys';
import type { AuthKeys } from './keys.ts';
import { ROLE_PERMISSIONS, type NatsRole } from './roles.ts';

/** Options of {@link mintUserCreds}. */
export interface MintOptions {
  /** The user's name in its JWT (who holds it); default the role. */
  readonly name?: string;
  /** Lifetime in seconds; default none (valid until the account key changes). */
  readonly expiresInSeconds?: number;
  /** "Now", for tests. */
  readonly now?: Date;
}

/**
 * A new user of `role` in the TEAMPULSE account, as the text of a `.creds` file (user
 * JWT + its nkey seed), which nats.js, nats.go, nats-py and the `nats` CLI all read.
 * The role's permissions come from {@link ROLE_PERMISSIONS}; the server trusts the JWT
 * because the account key signed it, so no server change is needed.
 */
export async function mintUserCreds(
  keys: AuthKeys,
  role: NatsRole,
  options: MintOptions = {},
): Promise<string> {
  const user = createUser();
  const perms = ROLE_PERMISSIONS[role];
  const nowS = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = await encodeUser(
    options.name ?? role,
    user,
    keys.account,
    {
      pub: { allow: [...perms.pub.allow], deny: [...perms.pub.deny] },
      sub: { allow: [...perms.sub.allow], deny: [...perms.sub.deny] },
      subs: -1,
      data: -1,
      payload: -1,
      tags: [`teampulse-role:${role}`],
    },
    options.expiresInSeconds === undefined ? {} : { exp: nowS + options.expiresInSeconds },
  );
  return new TextDecoder().decode(fmtCreds(jwt, user));
}
