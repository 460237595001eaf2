// Closing a client connection while a call waits out a retry backoff (Temporal unreachable or
// overloaded as an app shuts down). The SDK's retry interceptor opens the next attempt from a bare
// timer on the closed channel: "Channel has been shut down", uncaught, which failed CI suites
// (settings, dingtalk) after their tests had passed. lazyConnection's close() lets the call fail to
// its caller instead. Each variant runs in its own process so an uncaught exception can be seen.
import { spawn } from 'node:child_process';
import path from 'node:path';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(variant: 'sdk' | 'ours'): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'support/close-during-backoff.ts'), variant],
    {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

jest.setTimeout(60_000);

test('the SDK retry interceptor alone: closing during a backoff throws from its timer', async () => {
  const sdk = await run('sdk');
  expect(sdk.code).not.toBe(0);
  expect(sdk.stderr).toContain('Channel has been shut down');
});

test('lazyConnection: the call fails to its caller, nothing is thrown, close waits out the backoff only', async () => {
  const ours = await run('ours');
  expect({ code: ours.code, stderr: ours.stderr }).toEqual({ code: 0, stderr: '' });
  const result = JSON.parse(ours.stdout.trim()) as { outcome: string; error: string; closeMs: number };
  expect(result.outcome).toBe('rejected');
  expect(result.error).toMatch(/UNAVAILABLE|CANCELLED/);
  // The first backoff is 170 ms ± 20 %: close() waits for it, not for the SDK's 5 s cap.
  expect(result.closeMs).toBeLessThan(1_000);
});
