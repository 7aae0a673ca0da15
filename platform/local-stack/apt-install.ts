import { existsSync } from 'node:fs';
import { runLogged } from './run-logged.ts';
import { which } from './which.ts';

/**
 * `apt-get install -y <pkg>` when this process is root and apt-get exists; the package
 * lists of a fresh machine may be empty, so a failed install is retried after
 * `apt-get update`. Returns false when it could not, or did not, install.
 */
export async function aptInstall(pkg: string, logFile: string): Promise<boolean> {
  const apt = which('apt-get') ?? (existsSync('/usr/bin/apt-get') ? '/usr/bin/apt-get' : undefined);
  if (apt === undefined || process.getuid?.() !== 0) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if ((await runLogged(apt, ['install', '-y', pkg], logFile, { env })) === 0) return true;
  if ((await runLogged(apt, ['update'], logFile, { env })) !== 0) return false;
  return (await runLogged(apt, ['install', '-y', pkg], logFile, { env })) === 0;
}
