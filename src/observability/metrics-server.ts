// A worker-only process (--role=worker) has no API port: with METRICS_TOKEN and METRICS_PORT it
// serves the same token-guarded /metrics on a port of its own (its mail deliveries, process
// metrics, and the database gauges every process reports alike).
import type { Server } from 'node:http';
import express from 'express';
import type { PrismaClient } from '../db/prisma';
import { metricsHandler } from './http';
import { createMetricsRegistry } from './metrics';

export async function startMetricsServer(opts: {
  host: string;
  port: number;
  token: string;
  prisma: PrismaClient;
}): Promise<{ stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler({ token: opts.token, registry: createMetricsRegistry(opts.prisma) }));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found\n');
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, opts.host, () => resolve(s));
    s.once('error', reject);
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
