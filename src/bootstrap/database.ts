import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import { migrate } from '../db/migrate';
import { startPostgresServer } from '../db/postgres-server';
import { createPrismaClient, type PrismaClient } from '../db/prisma';

export class DatabaseStartError extends Error {}

export type EmbeddedEngine = 'postgres' | 'pglite';

export interface RunningDatabase {
  url: string;
  prisma: PrismaClient;
  embedded: boolean;
  /** Which embedded database runs; undefined with DATABASE_URL. */
  engine?: EmbeddedEngine;
  /** One line for the operator (e.g. why PGlite still runs); nothing secret. */
  notice?: string;
  stop(): Promise<void>;
}

/** DATA_DIR/pg: where earlier versions kept the PGlite cluster. */
export const PGLITE_DIR = 'pg';

/**
 * The embedded default is PostgreSQL (embedded-postgres binaries): measured against PGlite it
 * starts in 4.1 s instead of 18.3 s, uses 26 MB instead of 349 MB and serves concurrent
 * connections without failures (bench/embedded-db.ts). PGlite's data folders cannot be opened by
 * PostgreSQL, so a DATA_DIR that holds one keeps PGlite; EMBEDDED_DB overrides both.
 */
export function chooseEmbeddedEngine(config: Config): { engine: EmbeddedEngine; notice?: string } {
  if (config.database.embeddedEngine) return { engine: config.database.embeddedEngine };
  const pglite = path.join(config.dataDir, PGLITE_DIR);
  if (fs.existsSync(path.join(pglite, 'PG_VERSION'))) {
    return {
      engine: 'pglite',
      notice: `${pglite} holds a PGlite database, so PGlite keeps serving it; to move to the embedded PostgreSQL (faster, concurrent connections), dump it (pg_dump -h ${path.join(config.dataDir, 'run')} -p ${config.database.embeddedPort} -U postgres postgres), stop, move ${pglite} away (or delete ${config.dataDir} to start over), start again and restore the dump; EMBEDDED_DB=pglite keeps PGlite and silences this line`,
    };
  }
  return { engine: 'postgres' };
}

export async function startDatabase(config: Config, opts: { migrate: boolean }): Promise<RunningDatabase> {
  let url = config.database.url;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let engine: EmbeddedEngine | undefined;
  let notice: string | undefined;
  if (!url) {
    ({ engine, notice } = chooseEmbeddedEngine(config));
    // No TCP port to check: the embedded server listens on a Unix socket in DATA_DIR.
    try {
      const embedded =
        engine === 'postgres'
          ? await startPostgresServer({ dataDir: config.dataDir, port: config.database.embeddedPort })
          : await startEmbeddedPostgres({
              dataDir: path.join(config.dataDir, PGLITE_DIR),
              port: config.database.embeddedPort,
            });
      url = embedded.url;
      stopEmbedded = embedded.stop;
    } catch (err) {
      throw new DatabaseStartError(
        `embedded ${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}: ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
  const variable = config.database.url
    ? 'DATABASE_URL'
    : `embedded ${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}`;
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
  const prisma = createPrismaClient(url, { maxConnections: engine === 'pglite' ? 1 : 10 });
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
    engine,
    notice,
    async stop() {
      await prisma.$disconnect();
      await stopEmbedded?.();
    },
  };
}
