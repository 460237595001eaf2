// npm run db:migration:new -- <name> [--from <schema file>]
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL from the schema as of the
// last commit (or --from, or empty when there are no migrations) to prisma/schema.prisma.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readMigrations, MIGRATIONS_DIR } from '../src/db/migrate';
import { startPgCluster } from './lib/pg-cluster';
import { diffSchemas } from './lib/prisma-diff';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith('--'));
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error('usage: npm run db:migration:new -- <snake_case_name> [--from <schema.prisma>]');
    process.exit(2);
  }
  const fromIndex = args.indexOf('--from');
  const schemaPath = path.resolve(__dirname, '../prisma/schema.prisma');
  const from =
    readMigrations().length === 0
      ? 'empty'
      : fromIndex >= 0
        ? fs.readFileSync(args[fromIndex + 1]!, 'utf8')
        : execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { encoding: 'utf8' });
  const cluster = process.env.DATABASE_URL ? undefined : await startPgCluster();
  try {
    const sql = diffSchemas({
      from,
      to: fs.readFileSync(schemaPath, 'utf8'),
      databaseUrl: process.env.DATABASE_URL ?? cluster!.url,
    });
    if (!/\S/.test(sql.replace(/--.*$/gm, ''))) {
      console.log('schema.prisma matches the last migration: nothing to write');
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  } finally {
    cluster?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
