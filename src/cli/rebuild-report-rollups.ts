// npm run reports:rebuild-rollups
// Rebuilds the company-wide report rollups (ReportRollup) from the read model. The migration that
// created them filled them, and triggers keep them exact since; run this after loading rows with
// triggers disabled or restoring a partial dump. Reports keep answering meanwhile (from the old
// rollups until the rebuild commits).
import { loadConfig } from '../config';
import { startDatabase } from '../bootstrap/database';
import { rebuildReportRollups } from '../reports/rollups/rebuild-rollups';

async function main(): Promise<void> {
  const db = await startDatabase(loadConfig(), { migrate: true });
  try {
    const r = await rebuildReportRollups(db.prisma);
    console.log(
      `report rollups rebuilt in ${r.seconds.toFixed(1)} s: ${r.buckets} buckets from ${r.entries} deal entries`,
    );
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`reports:rebuild-rollups: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
