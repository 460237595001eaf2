// A worker in its own process, so a test can kill it the hard way (SIGKILL: no shutdown, no
// goodbye to the server), as a crashed or partitioned worker host would disappear.
// Env: TEMPORAL_ADDRESS, TASK_QUEUE, WORKFLOWS_PATH; with DATABASE_URL and SMTP_URL it also runs
// the real email activity. Prints "ready" once polling.
import { NativeConnection } from '@temporalio/worker';
import { createEmailActivities } from '../../../activities/email';
import type { Activities } from '../../../src/contracts/activities';
import { loadConfig } from '../../../src/config';
import { createPrismaClient } from '../../../src/db/prisma';
import { createActionLinks } from '../../../src/links';
import { createMailTransport } from '../../../src/mail/transport';
import { createWorker } from '../../../src/temporal/worker';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  let activities = {};
  if (process.env.DATABASE_URL) {
    const prisma = createPrismaClient(process.env.DATABASE_URL, { maxConnections: 2 });
    activities = createEmailActivities({
      prisma,
      sender: createMailTransport({ smtpUrl: env('SMTP_URL'), tlsRejectUnauthorized: true }),
      from: env('MAIL_FROM'),
      publicBaseUrl: 'http://psm.test',
      links: createActionLinks({
        prisma,
        secret: env('LINK_SECRET'),
        publicBaseUrl: 'http://psm.test',
        ttlHours: 1,
      }),
    });
  }
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: env('TASK_QUEUE'),
    // The setting under test comes from the product's config, as in production.
    stickyTimeoutMs: loadConfig({}).temporal.stickyTimeoutMs,
    workflowsPath: env('WORKFLOWS_PATH'),
    activities: activities as Activities,
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
