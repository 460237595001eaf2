// npm run bench:workflow — on the dev server with one worker on this machine:
// 1. memory per open opportunity workflow held in the worker cache, against an empty
//    long-lived workflow with one timer (target: within 1.5x);
// 2. history events per milestone completed, against a bare Update (target: at most 1.2x).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { WORKFLOWS_PATH } from '../src/temporal/worker';
import { PSM_PROCESS } from '../workflows/psm-process';
import type { Actor } from '../workflows/opportunity-types';
import { getStateQuery } from '../workflows/opportunity-messages';
import { createCommandProjector } from '../src/opportunities/command-projection';
import { createOpportunityClient } from '../src/opportunities/workflow-client';
import type { PrismaClient } from '../src/db/prisma';
import { startBenchStack } from './lib/stack';
import { benchActivities } from './lib/bench-activities';

const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 1000);

async function historyLength(client: Client, id: string): Promise<number> {
  const d = await client.workflow.getHandle(id).describe();
  return d.historyLength;
}

/**
 * Waits until the read model holds every event of the deal and the history has stopped growing,
 * so whatever a milestone set off (projection, emails) is counted against it.
 */
async function settled(client: Client, prisma: PrismaClient, id: string): Promise<number> {
  let last = -1;
  for (;;) {
    const state = await client.workflow.getHandle(id).query(getStateQuery);
    const row = await prisma.opportunity.findUnique({ where: { id }, select: { lastEventSeq: true } });
    const len = await historyLength(client, id);
    if ((row?.lastEventSeq ?? -1) >= state.seq && len === last) return len;
    last = len;
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await startBenchStack({ withApp: false });
  try {
    const director = await stack.prisma.user.create({
      data: { name: 'D', email: 'd@bench.psm', role: 'director' },
    });
    const manager = await stack.prisma.user.create({
      data: { name: 'M', email: 'm@bench.psm', role: 'manager', managerId: director.id },
    });
    const rep = await stack.prisma.user.create({
      data: { name: 'R', email: 'r@bench.psm', role: 'rep', managerId: manager.id },
    });

    // ---- memory ----
    const dbUrl = stack.config.database.url!;
    const measure = (kind: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--import',
            'tsx',
            path.join(__dirname, 'workflow-memory-child.ts'),
            kind,
            String(WORKFLOWS),
            stack.temporalAddress,
            dbUrl,
            rep.id,
          ],
          { encoding: 'utf8', maxBuffer: 1 << 24 },
        )
          .trim()
          .split('\n')
          .pop()!,
      ) as { bytesPerWorkflow: number };
    const idle = measure('idleWithTimer');
    const opp = measure('opportunity');
    console.log(`memory per cached workflow (${WORKFLOWS} open workflows, worker RSS delta):`);
    console.log(`  empty workflow with one timer: ${(idle.bytesPerWorkflow / 1024).toFixed(1)} KiB`);
    console.log(`  opportunity workflow:          ${(opp.bytesPerWorkflow / 1024).toFixed(1)} KiB`);
    const memRatio = opp.bytesPerWorkflow / idle.bytesPerWorkflow;
    console.log(`  ratio ${memRatio.toFixed(2)}x (target <= 1.5x: ${memRatio <= 1.5 ? 'met' : 'MISSED'})`);

    // ---- history events ----
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    const taskQueue = `bench-history-${randomBytes(3).toString('hex')}`;
    const activities = benchActivities(stack.prisma);
    const oppWorker = await Worker.create({
      connection,
      taskQueue,
      activities,
      workflowsPath: WORKFLOWS_PATH,
    });
    const bareWorker = await Worker.create({
      connection,
      taskQueue: `${taskQueue}-bare`,
      workflowsPath: path.join(__dirname, 'workflows'),
    });
    await Promise.all([
      oppWorker.runUntil(
        bareWorker.runUntil(async () => {
          const c = stack.client;
          const bare = await c.workflow.start('bareUpdate', {
            taskQueue: `${taskQueue}-bare`,
            workflowId: `${taskQueue}-bare`,
          });
          await bare.query('ready');
          const b0 = await historyLength(c, bare.workflowId);
          const touches = 10;
          for (let i = 0; i < touches; i++) await bare.executeUpdate('touch', { args: [1] });
          const perBare = ((await historyLength(c, bare.workflowId)) - b0) / touches;

          const id = `${taskQueue}-deal`;
          const actor = { userId: rep.id, role: 'rep' as const };
          // Commands go the way the API sends them: an Update, then its result projected.
          const opportunities = createOpportunityClient({
            client: c,
            taskQueue,
            timeoutMs: 30_000,
            projector: createCommandProjector({ prisma: stack.prisma, client: c, timeoutMs: 30_000 }),
            awaitProjection: true,
          });
          await opportunities.start({
            id,
            name: 'Bench',
            account: 'Bench',
            amount: 1000,
            currency: 'CNY',
            ownerId: rep.id,
            createdBy: actor,
          });
          await settled(c, stack.prisma, id);
          const cmd = (
            name: 'requestApproval' | 'decideApproval' | 'completeMilestone',
            fields: Record<string, unknown>,
            who: Actor = actor,
          ) => opportunities.command(id, name, fields as never, who, randomBytes(6).toString('hex'));
          const req = await cmd('requestApproval', {
            kind: 'milestone_gate',
            milestone: 'project_initiation',
            reason: 'bench',
          });
          await cmd(
            'decideApproval',
            { approvalId: req.approvalId, decision: 'approved' },
            { userId: manager.id, role: 'manager' as const },
          );
          let total = 0;
          const perMilestone: number[] = [];
          for (const m of PSM_PROCESS.milestones) {
            const before = await settled(c, stack.prisma, id);
            await cmd('completeMilestone', {
              milestone: m.key,
              criteriaMet: m.rule === 'all' ? m.criteria.map((x) => x.key) : [m.criteria[0]!.key],
              evidence: 'bench',
            });
            const added = (await settled(c, stack.prisma, id)) - before;
            perMilestone.push(added);
            total += added;
          }
          const perOpp = total / PSM_PROCESS.milestones.length;
          console.log('history events:');
          console.log(`  bare Update:            ${perBare.toFixed(1)} events`);
          console.log(
            `  per milestone completed: ${perOpp.toFixed(1)} events (each: ${perMilestone.join(', ')}; until the read model has it and the history is still)`,
          );
          const ratio = perOpp / perBare;
          console.log(`  ratio ${ratio.toFixed(2)}x (target <= 1.2x: ${ratio <= 1.2 ? 'met' : 'MISSED'})`);
        }),
      ),
    ]);
    await connection.close();
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
