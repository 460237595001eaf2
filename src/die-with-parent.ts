// Child processes that must not outlive us, even when we are killed with -9 (a killed `npm start`
// must not leave a Temporal or PostgreSQL server holding its port and files). Linux's
// PR_SET_PDEATHSIG, through util-linux's setpriv, which then execs the program (same pid).
import { spawnSync } from 'node:child_process';

let setprivAvailable: boolean | undefined;

export function hasSetpriv(): boolean {
  setprivAvailable ??=
    process.platform === 'linux' && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
  return setprivAvailable;
}

/** The command and arguments that run `cmd` so it gets SIGKILL when this process dies, where possible. */
export function dyingWithUs(cmd: string, args: string[]): { cmd: string; args: string[] } {
  return hasSetpriv() ? { cmd: 'setpriv', args: ['--pdeathsig', 'KILL', '--', cmd, ...args] } : { cmd, args };
}
