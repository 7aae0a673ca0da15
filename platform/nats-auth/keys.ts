import { createAccount, createOperator, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { z } from 'zod';
import { NatsAuthError, NatsAuthErrorCode } from './errors.ts';

/** The name of the account all TeamPulse users live in. */
export const TEAMPULSE_ACCOUNT = 'TEAMPULSE';
/** The name of the NATS system account (server events, monitoring). */
export const SYSTEM_ACCOUNT = 'SYS';
/** The operator's name in its JWT. */
export const OPERATOR_NAME = 'teampulse';

/** `keys.json`: the seeds every JWT and creds file is signed from. Secret (mode 600). */
export const AuthKeysFile = z.object({
  version: z.literal(1),
  operator: z.string().startsWith('SO'),
  system: z.string().startsWith('SA'),
  account: z.string().startsWith('SA'),
});
export type AuthKeysFile = z.infer<typeof AuthKeysFile>;

/** The key pairs of one installation: operator, system account, TEAMPULSE account. */
export interface AuthKeys {
  readonly operator: KeyPair;
  readonly system: KeyPair;
  readonly account: KeyPair;
}

/** Fresh keys for a new installation. */
export function createAuthKeys(): AuthKeys {
  return { operator: createOperator(), system: createAccount(), account: createAccount() };
}

/** The keys as stored in `keys.json`. */
export function serializeAuthKeys(keys: AuthKeys): string {
  const seed = (kp: KeyPair) => new TextDecoder().decode(kp.getSeed());
  const file: AuthKeysFile = {
    version: 1,
    operator: seed(keys.operator),
    system: seed(keys.system),
    account: seed(keys.account),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Parses `keys.json`; a damaged file is a `nats_auth_keys_invalid` error naming `where`. */
export function parseAuthKeys(text: string, where: string): AuthKeys {
  let file: AuthKeysFile;
  try {
    file = AuthKeysFile.parse(JSON.parse(text));
  } catch (err) {
    throw new NatsAuthError(
      NatsAuthErrorCode.KeysInvalid,
      `${where} is not a TeamPulse NATS keys file (run teampulse nats-auth init on a new dir)`,
      { cause: err },
    );
  }
  const enc = new TextEncoder();
  return {
    operator: fromSeed(enc.encode(file.operator)),
    system: fromSeed(enc.encode(file.system)),
    account: fromSeed(enc.encode(file.account)),
  };
}
