// The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) persisted under the
// data folder and served over the PostgreSQL wire protocol, so the app talks to it exactly as it
// would to a real server. PGlite runs one query at a time; pglite-socket multiplexes connections.
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
}): Promise<EmbeddedPostgres> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: opts.dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port, maxConnections: 32 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${opts.port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
