import net from 'node:net';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma';
import type { HealthCheck } from '../api/health';

export function databaseCheck(prisma: PrismaClient): HealthCheck {
  return async () => {
    await prisma.$queryRaw`SELECT 1`;
  };
}

export function temporalCheck(client: Client): HealthCheck {
  return async () => {
    await client.workflowService.getSystemInfo({});
  };
}

/** Some worker is polling the task queue: commands will be applied, not just accepted. */
export function workerCheck(client: Client, namespace: string, taskQueue: string): HealthCheck {
  return async () => {
    const res = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: 1 },
      taskQueueType: 1, // workflow
    });
    if (!res.pollers || res.pollers.length === 0)
      throw new Error(`no worker is polling task queue ${taskQueue}`);
  };
}

/** With SMTP_URL: the SMTP server accepts connections. Without: the outbox is the database. */
export function mailCheck(smtpUrl: string | undefined, prisma: PrismaClient): HealthCheck {
  if (!smtpUrl) return databaseCheck(prisma);
  const url = new URL(smtpUrl);
  const port = Number(url.port || (url.protocol === 'smtps:' ? 465 : 587));
  return () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: url.hostname, port, timeout: 2000 });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`SMTP ${url.hostname}:${port} did not answer`));
      });
      socket.once('error', (err) => reject(new Error(`SMTP ${url.hostname}:${port}: ${err.message}`)));
    });
}
