import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate, MIGRATIONS_DIR, MigrationError } from '../../src/db/migrate';
import { findSchemaDrift } from '../../scripts/lib/schema-drift';
import { clusterUrl, createEmptyDatabase } from '../support/database';

describe('migrations', () => {
  it('apply once, record themselves, and are a no-op the second time', async () => {
    const db = await createEmptyDatabase('mig');
    try {
      const first = await migrate(db.url);
      expect(first.length).toBeGreaterThan(0);
      expect(await migrate(db.url)).toEqual([]);
      const c = new Client({ connectionString: db.url });
      await c.connect();
      const rows = await c.query('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name');
      await c.end();
      expect(rows.rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(first);
    } finally {
      await db.drop();
    }
  });

  it('refuses a migration edited after it was applied', async () => {
    const db = await createEmptyDatabase('mig');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    try {
      fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      await migrate(db.url, dir);
      const first = fs.readdirSync(dir).sort()[0]!;
      fs.appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited\n');
      await expect(migrate(db.url, dir)).rejects.toThrow(MigrationError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('match schema.prisma exactly', async () => {
    const drift = await findSchemaDrift({ clusterUrl: clusterUrl() });
    expect(drift).toEqual({ onlyInMigrations: [], onlyInSchema: [] });
  });

  it('drift is detected when the schema gains a column the migrations lack', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-'));
    try {
      const schema = fs.readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8');
      const changed = schema.replace('model SalesTarget {', 'model SalesTarget {\n  note String?');
      fs.writeFileSync(path.join(dir, 'schema.prisma'), changed);
      const drift = await findSchemaDrift({
        clusterUrl: clusterUrl(),
        schemaPath: path.join(dir, 'schema.prisma'),
      });
      expect(drift.onlyInSchema).toEqual([expect.stringContaining('column SalesTarget.note text')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
