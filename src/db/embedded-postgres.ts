// The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) persisted under the
// data folder and served over the PostgreSQL wire protocol, so the app talks to it exactly as it
// would to a real server. PGlite runs one query at a time; pglite-socket multiplexes connections.
//
// Who may connect: PGlite trusts every connection (any user, any password; pglite-socket has no
// authentication). So it is not served on TCP, where any local user could reach it, but on a Unix
// socket in an owner-only folder next to the data: only this OS user can open it. `pg` (and so
// Prisma's adapter and the migrator) reach it with `?host=<folder>`, as for any PostgreSQL socket.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ensurePrivateDir, makeTreePrivate } from '../paths';

export interface EmbeddedPostgres {
  url: string;
  /** The Unix socket the server listens on (owner-only folder). */
  socketPath: string;
  stop(): Promise<void>;
}

// sun_path holds 108 bytes on Linux (104 on macOS), terminator included.
const MAX_SOCKET_PATH = 100;

/** A socket file left by a process that died is removed; one that answers belongs to a live server. */
async function claimSocketPath(socketPath: string): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another process already serves this database on ${socketPath}`);
  fs.rmSync(socketPath, { force: true });
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  /** Names the socket file (.s.PGSQL.<port>), as PostgreSQL does; nothing listens on TCP. */
  port: number;
  /** Where the socket lives. Default: `run` beside `dataDir` (inside DATA_DIR). */
  socketDir?: string;
}): Promise<EmbeddedPostgres> {
  makeTreePrivate(opts.dataDir);
  let socketDir = path.resolve(opts.socketDir ?? path.join(path.dirname(opts.dataDir), 'run'));
  let ownTempDir = false;
  if (path.join(socketDir, `.s.PGSQL.${opts.port}`).length > MAX_SOCKET_PATH) {
    // A deep DATA_DIR: a fresh owner-only folder under the temp directory instead.
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-pg-'));
    ownTempDir = true;
  }
  ensurePrivateDir(socketDir);
  const socketPath = path.join(socketDir, `.s.PGSQL.${opts.port}`);
  await claimSocketPath(socketPath);

  const db = await PGlite.create({ dataDir: opts.dataDir });
  // initdb leaves its files world-readable (0666); the folder already shuts others out.
  makeTreePrivate(opts.dataDir);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 32 });
  try {
    await server.start();
    fs.chmodSync(socketPath, 0o600);
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}&port=${opts.port}`,
    socketPath,
    async stop() {
      await server.stop();
      await db.close();
      fs.rmSync(socketPath, { force: true });
      if (ownTempDir) fs.rmSync(socketDir, { recursive: true, force: true });
      makeTreePrivate(opts.dataDir);
    },
  };
}
