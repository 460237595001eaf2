import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/**
 * Routes the Temporal SDK's own logs into ours, at warn and above, and (with `metricsPort`) serves
 * the SDK's worker metrics (temporal_*: task slots, polls, latencies, sticky cache) in Prometheus
 * format on 127.0.0.1:<port>/metrics. Installable once per process, before any worker connection.
 */
export function installTemporalRuntime(logger: Logger, opts: { metricsPort?: number } = {}): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    ...(opts.metricsPort !== undefined
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: `127.0.0.1:${opts.metricsPort}`,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
              },
            },
          },
        }
      : {}),
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
