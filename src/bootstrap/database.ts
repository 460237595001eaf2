import path from 'node:path';
import type { Config } from '../config';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import { migrate } from '../db/migrate';
import { createPrismaClient, type PrismaClient } from '../db/prisma';

export class DatabaseStartError extends Error {}

export interface RunningDatabase {
  url: string;
  prisma: PrismaClient;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function startDatabase(config: Config, opts: { migrate: boolean }): Promise<RunningDatabase> {
  let url = config.database.url;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    // No TCP port to check: the embedded server listens on a Unix socket in DATA_DIR.
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port: config.database.embeddedPort,
    });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const variable = config.database.url ? 'DATABASE_URL' : 'embedded PostgreSQL';
  try {
    if (opts.migrate) await migrate(url);
  } catch (err) {
    await stopEmbedded?.();
    const message = (err as Error).message.split('\n')[0];
    throw new DatabaseStartError(`${variable}: cannot migrate the database: ${message}`);
  }
  // PGlite is one backend: pglite-socket multiplexes connections onto it, and two connections'
  // extended-protocol messages can interleave ("bind message supplies 4 parameters, but prepared
  // statement requires 3"). One pooled connection serialises every query, which is correct.
  const prisma = createPrismaClient(url, { maxConnections: stopEmbedded ? 1 : 10 });
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch (err) {
    await stopEmbedded?.();
    throw new DatabaseStartError(`${variable}: cannot connect: ${(err as Error).message.split('\n')[0]}`);
  }
  return {
    url,
    prisma,
    embedded: Boolean(stopEmbedded),
    async stop() {
      await prisma.$disconnect();
      await stopEmbedded?.();
    },
  };
}
