import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/** Routes the Temporal SDK's own logs into ours, at warn and above; installable once per process. */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    // The application decides when the worker stops (main.ts drains it before closing the database).
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', (entry) => {
      const level = entry.level.toLowerCase() as Lowercase<LogLevel>;
      const method =
        level === 'trace'
          ? 'trace'
          : level === 'warn'
            ? 'warn'
            : level === 'error'
              ? 'error'
              : level === 'debug'
                ? 'debug'
                : 'info';
      child[method]({ ...entry.meta }, entry.message);
    }),
  });
}
