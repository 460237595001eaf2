// Rebuilds the report rollups from the read model, as the report_rollups migration did when it
// was applied: for a database restored from a dump taken without them, rows written with triggers
// disabled (a bulk load with session_replication_role = replica), or to prove they agree.
import type { PrismaClient } from '../../db/prisma';

export interface RollupRebuild {
  seconds: number;
  /** Bucket rows (ReportRollup) and per-deal entries (ReportRollupEntry) after the rebuild. */
  buckets: number;
  entries: number;
}

export async function rebuildReportRollups(prisma: PrismaClient): Promise<RollupRebuild> {
  const started = Date.now();
  // One statement, one transaction: readers see the old rollups until it commits.
  await prisma.$executeRaw`SELECT report_rollup_rebuild()`;
  const [counts] = await prisma.$queryRaw<{ buckets: number; entries: number }[]>`
    SELECT (SELECT count(*) FROM "ReportRollup")::int AS buckets, (SELECT count(*) FROM "ReportRollupEntry")::int AS entries`;
  return { seconds: (Date.now() - started) / 1000, buckets: counts!.buckets, entries: counts!.entries };
}
