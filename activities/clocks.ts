// The opportunity workflow's wake-up check, run as a local activity so its answer lands in
// history: which clocks are due (decided with the thresholds and the work calendar in force now,
// China's days off and make-up days included, so a later threshold change or calendar update
// cannot alter what a recorded run did: test/calendar/replay-changed-calendar.test.ts), how far the read model has got (so the workflow
// knows whether callers projected its commands, or it must repair the gap itself), and the
// owner's reporting line as it is now (so escalations follow a reorganisation).
// It writes nothing: a local activity runs before its workflow task commits.
import type { PrismaClient } from '../src/db/prisma';
import { dueClocks } from '../workflows/opportunity-timers';
import type { ClockCheckInput, ClockCheckResult } from '../src/contracts/activities';
import { readReportingLine } from '../src/users/reporting-chain';

/** Bounded well inside the local activity's timeout: a slow database must not stall the clocks. */
const READ_TIMEOUT_MS = 3_000;

/** The read's answer, or null if it failed or took too long (the database is down or slow). */
async function boundedRead<T>(read: () => Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), READ_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read().catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createClockActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async checkClocks(input: ClockCheckInput): Promise<ClockCheckResult> {
      const due = dueClocks(input.facts, Date.parse(input.now));
      // The clocks still fire when the database is down; the reads are retried next wake-up.
      const [readModelSeq, reportingLine] = await Promise.all([
        boundedRead(async () => {
          const row = await prisma.opportunity.findUnique({
            where: { id: input.opportunityId },
            select: { lastEventSeq: true },
          });
          return row?.lastEventSeq ?? 0;
        }),
        // An owner missing from the directory (null) keeps the line the deal has.
        boundedRead(() => readReportingLine(prisma, input.ownerId)),
      ]);
      return { due, readModelSeq, reportingLine };
    },
  };
}
