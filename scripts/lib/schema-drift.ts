// Proves prisma/migrations produce exactly prisma/schema.prisma: builds one database from the
// migrations and one from the schema, and compares their catalogs.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../../src/db/migrate';
import { catalogSnapshot } from './catalog-snapshot';
import { diffSchemas } from './prisma-diff';

export interface DriftResult {
  onlyInMigrations: string[];
  onlyInSchema: string[];
}

async function withDatabase<T>(
  clusterUrl: string,
  name: string,
  fn: (url: string) => Promise<T>,
): Promise<T> {
  const admin = new Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

export async function findSchemaDrift(opts: {
  clusterUrl: string;
  schemaPath?: string;
  migrationsDir?: string;
}): Promise<DriftResult> {
  const schema = fs.readFileSync(
    opts.schemaPath ?? path.resolve(__dirname, '../../prisma/schema.prisma'),
    'utf8',
  );
  const suffix = `${process.pid}_${Date.now()}`;
  const fromMigrations = await withDatabase(opts.clusterUrl, `drift_m_${suffix}`, async (url) => {
    await migrate(url, opts.migrationsDir);
    return catalogSnapshot(url);
  });
  const fromSchema = await withDatabase(opts.clusterUrl, `drift_s_${suffix}`, async (url) => {
    const sql = diffSchemas({ from: 'empty', to: schema, databaseUrl: url });
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(sql);
    await client.end();
    return catalogSnapshot(url);
  });
  const m = new Set(fromMigrations);
  const s = new Set(fromSchema);
  return {
    onlyInMigrations: fromMigrations.filter((l) => !s.has(l)),
    onlyInSchema: fromSchema.filter((l) => !m.has(l)),
  };
}
