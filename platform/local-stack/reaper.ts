import { spawn, type ChildProcess } from 'node:child_process';

// Runs in a separate, detached node process. It learns the pids of our servers over its
// stdin ("+pid" / "-pid") and, once stdin closes, which happens however the parent ends
// (even SIGKILL or a crash, where no exit hook runs), terminates those left.
const REAPER_SOURCE = `
const pids = new Set();
let buffer = '';
let reaping = false;
process.on('SIGINT', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let at;
  while ((at = buffer.indexOf('\\n')) >= 0) {
    const line = buffer.slice(0, at);
    buffer = buffer.slice(at + 1);
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') pids.add(pid); else pids.delete(pid);
  }
});
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const signal = (sig) => { for (const pid of pids) { try { process.kill(pid, sig); } catch {} } };
const reap = () => {
  if (reaping) return;
  reaping = true;
  signal('SIGTERM');
  const deadline = Date.now() + 5000;
  const check = () => {
    for (const pid of pids) if (!alive(pid)) pids.delete(pid);
    if (pids.size === 0) process.exit(0);
    if (Date.now() > deadline) { signal('SIGKILL'); process.exit(0); }
    setTimeout(check, 100);
  };
  check();
};
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

let reaper: ChildProcess | undefined;

function ensureReaper(): ChildProcess | undefined {
  if (reaper?.stdin?.writable === true) return reaper;
  try {
    const child = spawn(process.execPath, ['-e', REAPER_SOURCE], {
      // Own process group: a Ctrl-C to the parent's group must not kill the reaper before
      // it has done its job (the servers get that SIGINT themselves anyway).
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // Node options of the parent (e.g. a tsx loader) are useless for this script.
      env: { PATH: process.env.PATH ?? '' },
    });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    // Neither the reaper nor its pipe may keep the parent's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    reaper = child;
    return child;
  } catch {
    return undefined;
  }
}

/** Tell the reaper to kill `pid` if this process dies without stopping it. */
export function reapOnDeath(pid: number): void {
  ensureReaper()?.stdin?.write(`+${pid}\n`);
}

/** The server `pid` was stopped normally; the reaper must forget it (pids get reused). */
export function forgetPid(pid: number): void {
  if (reaper?.stdin?.writable === true) reaper.stdin.write(`-${pid}\n`);
}
