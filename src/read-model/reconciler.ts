// Repairs what no caller projected. Every API and worker process runs one: each interval it
// leases the deals whose "projection pending" marks outlived the grace period (the API that wrote
// them died, or gave up retrying while the database was down), asks each deal's workflow what the
// read model lacks (projectionSince), projects it, and settles the marks. Leases and SKIP LOCKED
// keep processes from repairing the same deal at once; the projection is idempotent anyway.
// Without this, such a command waited for the deal's next clock check: up to 5 days.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma';
import type { Logger } from '../logger';
import { projectionSinceQuery } from '../../workflows/opportunity-messages';
import { projectSafely } from './project-safely';
import { claimStaleMarks, settleMarks, type ClaimedDeal } from './projection-marks';

export interface ReconcilerOptions {
  prisma: PrismaClient;
  client: Client;
  logger: Logger;
  intervalMs: number;
  /** Marks younger than this belong to a caller that may still be projecting. */
  graceMs: number;
  /** The Update and query deadline: a mark is never settled while its Update may still commit. */
  timeoutMs: number;
}

export interface ReadModelReconciler {
  /** One pass; resolves with how many deals it repaired or settled. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 100;

export function startReadModelReconciler(opts: ReconcilerOptions): ReadModelReconciler {
  // A mark settled before its Update committed would hide that command if its caller then died.
  const graceMs = Math.max(opts.graceMs, opts.timeoutMs + 1_000);
  const leaseMs = 2 * opts.timeoutMs + 30_000;
  const attempts = new Map<string, number>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const reconcile = async (deal: ClaimedDeal): Promise<void> => {
    const { prisma, client } = opts;
    const row = await prisma.opportunity.findUnique({
      where: { id: deal.opportunityId },
      select: { lastEventSeq: true },
    });
    // A create's events are the workflow's own to project; only a row that never appeared needs us.
    if (!(deal.createOnly && row)) {
      const readModelSeq = row?.lastEventSeq ?? 0;
      let fill;
      try {
        fill = await client.connection.withDeadline(Date.now() + opts.timeoutMs, () =>
          client.workflow.getHandle(deal.opportunityId).query(projectionSinceQuery, readModelSeq),
        );
      } catch (err) {
        // No such deal (its start failed after the mark was written): nothing to project.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      if (fill && (row === null || fill.snapshot.seq > readModelSeq)) {
        const attempt = (attempts.get(deal.opportunityId) ?? 0) + 1;
        attempts.set(deal.opportunityId, attempt);
        await projectSafely(prisma, fill, { attempt });
        opts.logger.info(
          { opportunityId: deal.opportunityId, fromSeq: readModelSeq, toSeq: fill.snapshot.seq },
          'read model reconciled: a caller had not projected this deal',
        );
      }
    }
    attempts.delete(deal.opportunityId);
    await settleMarks(prisma, deal);
  };

  const runOnce = async (): Promise<number> => {
    let done = 0;
    for (;;) {
      const deals = await claimStaleMarks(opts.prisma, { graceMs, leaseMs, limit: BATCH });
      for (const deal of deals) {
        if (stopped) return done;
        try {
          await reconcile(deal);
          done++;
        } catch (err) {
          // The lease runs out and the next pass (of any process) tries again.
          opts.logger.warn({ err, opportunityId: deal.opportunityId }, 'read-model reconciliation failed');
        }
      }
      if (deals.length < BATCH || stopped) return done;
    }
  };

  const tick = () => {
    running = runOnce()
      .catch((err: unknown) => {
        opts.logger.warn({ err }, 'read-model reconciler pass failed; retrying next interval');
        return 0;
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, opts.intervalMs);
      });
  };
  timer = setTimeout(tick, opts.intervalMs);
  timer.unref?.();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
