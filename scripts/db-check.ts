// npm run db:check: fails when prisma/schema.prisma and prisma/migrations disagree.
import { startPgCluster } from './lib/pg-cluster';
import { findSchemaDrift } from './lib/schema-drift';

async function main(): Promise<void> {
  const cluster = process.env.DATABASE_URL ? undefined : await startPgCluster();
  try {
    const drift = await findSchemaDrift({ clusterUrl: process.env.DATABASE_URL ?? cluster!.url });
    if (drift.onlyInMigrations.length || drift.onlyInSchema.length) {
      console.error(
        'schema.prisma and prisma/migrations disagree. Run `npm run db:migration:new -- <name>`.',
      );
      for (const l of drift.onlyInSchema) console.error(`  + schema only:     ${l}`);
      for (const l of drift.onlyInMigrations) console.error(`  - migrations only: ${l}`);
      process.exitCode = 1;
    } else {
      console.log('schema.prisma and prisma/migrations agree');
    }
  } finally {
    cluster?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
