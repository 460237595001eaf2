// Starts child-worker.ts in its own process and resolves once it polls; kill() is a SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ChildWorker {
  process: ChildProcess;
  /** SIGKILL: the process is gone and its connections are closed by the OS. */
  kill(): Promise<void>;
}

export async function spawnWorker(env: Record<string, string>): Promise<ChildWorker> {
  const root = path.resolve(__dirname, '../../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'child-worker.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child worker not ready in 90 s: ${stderr}`)), 90_000);
    child.stdout!.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child worker exited (${code}): ${stderr}`));
    });
  });
  return {
    process: child,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
