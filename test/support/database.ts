// A fresh, migrated database per test file on the shared throwaway cluster.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../src/db/migrate';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma';

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export function clusterUrl(): string {
  const url = process.env.TEST_PG_URL;
  if (!url) throw new Error('TEST_PG_URL is not set: run tests through jest (globalSetup starts PostgreSQL)');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createEmptyDatabase(
  prefix = 'test',
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: clusterUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    name,
    url: databaseUrl(name),
    async drop() {
      const c = new Client({ connectionString: clusterUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const db = await createEmptyDatabase();
  await migrate(db.url);
  const prisma = createPrismaClient(db.url, { maxConnections: 5 });
  return {
    url: db.url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
