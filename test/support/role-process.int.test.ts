import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stopChild } from './role-process.ts';

// A child that ignores SIGTERM (as a role whose clean stop hangs does, in effect).
function stubborn() {
  const proc = spawn(
    process.execPath,
    ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('up')"],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise<typeof proc>((resolve) => proc.stdout.once('data', () => resolve(proc)));
}

describe('role process', () => {
  it('role process - a child that ignores SIGTERM is SIGKILLed after the grace, and the caller told', async () => {
    const proc = await stubborn();
    let told = 0;
    const t0 = Date.now();
    await stopChild(proc, 'SIGTERM', { killAfterMs: 500, onKill: () => told++ });
    expect(told).toBe(1);
    expect(proc.signalCode).toBe('SIGKILL');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
  });

  it('role process - a child that stops on SIGTERM is not killed, and stopping it again is a no-op', async () => {
    const proc = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    let told = 0;
    await stopChild(proc, 'SIGTERM', { killAfterMs: 10_000, onKill: () => told++ });
    expect(told).toBe(0);
    expect(proc.signalCode).toBe('SIGTERM');
    await stopChild(proc, 'SIGTERM');
  });
});
