import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where built server binaries live between runs: `$TEAMPULSE_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/teampulse`, else `~/.cache/teampulse`. CI caches this folder, so the
 * minute-long Go builds happen once per machine, not once per run.
 */
export function cacheDir(): string {
  const explicit = process.env.TEAMPULSE_CACHE_DIR;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache');
  return join(base, 'teampulse');
}

/** The folder inside {@link cacheDir} that holds the binaries themselves. */
export function binDir(): string {
  return join(cacheDir(), 'bin');
}
