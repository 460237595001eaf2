// The opportunity workflow's wake-up check, run as a local activity so its answer lands in
// history: which clocks are due (decided with the thresholds in force now, so a later threshold
// change cannot alter what a recorded run did) and how far the read model has got (so the
// workflow knows whether callers projected its commands, or it must repair the gap itself).
// It writes nothing: a local activity runs before its workflow task commits.
import type { PrismaClient } from '../src/db/prisma';
import { dueClocks } from '../workflows/opportunity-timers';
import type { ClockCheckInput, ClockCheckResult } from './contracts';

/** Bounded well inside the local activity's timeout: a slow database must not stall the clocks. */
const READ_MODEL_TIMEOUT_MS = 3_000;

async function readModelSeq(prisma: PrismaClient, opportunityId: string): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), READ_MODEL_TIMEOUT_MS);
  });
  const read = prisma.opportunity
    .findUnique({ where: { id: opportunityId }, select: { lastEventSeq: true } })
    .then((row) => row?.lastEventSeq ?? 0)
    // The database is down: the clocks still fire; the read model is looked at next time.
    .catch(() => null);
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createClockActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async checkClocks(input: ClockCheckInput): Promise<ClockCheckResult> {
      const due = dueClocks(input.facts, Date.parse(input.now));
      return { due, readModelSeq: await readModelSeq(prisma, input.opportunityId) };
    },
  };
}
