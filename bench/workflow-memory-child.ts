// One measurement in a fresh process (so nothing else shares its memory): a worker caches N open
// workflows of one kind, and we report the resident memory they added.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createPrismaClient } from '../src/db/prisma';
import { WORKFLOWS_PATH } from '../src/temporal/worker';
import { benchActivities } from './lib/bench-activities';

type Kind = 'idleWithTimer' | 'opportunity';

async function main(): Promise<void> {
  const [kind, countArg, address, databaseUrl, ownerId] = process.argv.slice(2) as [
    Kind,
    string,
    string,
    string,
    string,
  ];
  const count = Number(countArg);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const prisma = createPrismaClient(databaseUrl);
  const taskQueue = `bench-${kind}-${randomBytes(4).toString('hex')}`;
  const connection = await NativeConnection.connect({ address });
  const activities = benchActivities(prisma);
  const worker = await Worker.create({
    connection,
    taskQueue,
    activities,
    workflowsPath: kind === 'opportunity' ? WORKFLOWS_PATH : path.join(__dirname, 'workflows'),
    maxCachedWorkflows: count + 100,
  });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const query = kind === 'opportunity' ? 'getState' : 'ready';
  const start = (i: number) =>
    client.workflow.start(kind, {
      taskQueue,
      workflowId: `${taskQueue}-${i}`,
      args:
        kind === 'opportunity'
          ? [
              {
                id: `${taskQueue}-${i}`,
                name: `Deal ${i}`,
                account: 'Bench',
                amount: 1000,
                currency: 'CNY',
                ownerId,
                createdBy: { userId: ownerId, role: 'rep' },
              },
            ]
          : [],
    });

  await worker.runUntil(async () => {
    // Warm up: bundle loaded, first workflow run, caches primed.
    for (let i = 0; i < 20; i++) await (await start(-1 - i)).query(query);
    await new Promise((r) => setTimeout(r, 2000));
    const before = process.memoryUsage().rss;
    for (let i = 0; i < count; i += 50) {
      const handles = await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, (_, j) => start(i + j)),
      );
      await Promise.all(handles.map((h) => h.query(query)));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const after = process.memoryUsage().rss;
    process.stdout.write(
      `${JSON.stringify({ kind, count, rssBefore: before, rssAfter: after, bytesPerWorkflow: (after - before) / count })}\n`,
    );
  });
  await prisma.$disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
