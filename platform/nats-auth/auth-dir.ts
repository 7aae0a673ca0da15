import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NatsAuthError, NatsAuthErrorCode } from './errors.ts';
import { createAuthKeys, parseAuthKeys, serializeAuthKeys, type AuthKeys } from './keys.ts';
import { mintUserCreds } from './mint-creds.ts';
import { NatsRoles, type NatsRole } from './roles.ts';
import { renderAuthFragment } from './server-fragment.ts';

/** File names inside an auth dir. */
export const AuthDirFiles = {
  keys: 'keys.json',
  fragment: 'nats-auth.conf',
  creds: (role: NatsRole) => `${role}.creds`,
} as const;

/** An initialised auth dir: where its files are, and its keys. */
export interface AuthDir {
  readonly dir: string;
  /** The server config fragment to `include`. */
  readonly fragment: string;
  /** One creds file per role. */
  readonly creds: Readonly<Record<NatsRole, string>>;
  readonly keys: AuthKeys;
}

/**
 * Creates the auth dir if missing: `keys.json` (mode 600), `nats-auth.conf` and one
 * `<role>.creds` per role (mode 600). Idempotent: files that exist are kept as they are,
 * so a second run changes nothing and a server already running keeps trusting them.
 */
export async function initAuthDir(dirPath: string): Promise<AuthDir> {
  const dir = resolve(dirPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keysPath = join(dir, AuthDirFiles.keys);
  let keys: AuthKeys;
  const existing = await readIfExists(keysPath);
  if (existing === undefined) {
    keys = createAuthKeys();
    await writeSecret(keysPath, serializeAuthKeys(keys));
  } else {
    keys = parseAuthKeys(existing, keysPath);
  }
  const fragment = join(dir, AuthDirFiles.fragment);
  if ((await readIfExists(fragment)) === undefined)
    await writeFile(fragment, await renderAuthFragment(keys));
  const creds = credsPaths(dir);
  for (const role of NatsRoles) {
    if ((await readIfExists(creds[role])) === undefined)
      await writeSecret(creds[role], await mintUserCreds(keys, role));
  }
  return { dir, fragment, creds, keys };
}

/**
 * The keys of an existing auth dir. A dir without `keys.json` is a
 * `nats_auth_dir_missing` error that says how to make one.
 */
export async function loadAuthKeys(dirPath: string): Promise<AuthKeys> {
  const path = join(resolve(dirPath), AuthDirFiles.keys);
  const text = await readIfExists(path);
  if (text === undefined) {
    throw new NatsAuthError(
      NatsAuthErrorCode.AuthDirMissing,
      `NATS auth dir ${dirPath}: no ${AuthDirFiles.keys} there; create it with teampulse nats-auth init --dir ${dirPath}, or point NATS_AUTH_DIR at an existing one`,
    );
  }
  return parseAuthKeys(text, path);
}

/** The creds file of each role inside `dir`. */
export function credsPaths(dir: string): Record<NatsRole, string> {
  return Object.fromEntries(
    NatsRoles.map((role) => [role, join(dir, AuthDirFiles.creds(role))]),
  ) as Record<NatsRole, string>;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeSecret(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  // The mode above is only applied when the file is created; make sure either way.
  await chmod(path, 0o600);
}
