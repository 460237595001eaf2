// Run by embedded-postgres.test.ts with tsx in its own process (PGlite's WebAssembly loader needs
// real dynamic imports, which jest's module sandbox does not offer; a SIGKILL must hit the process
// that started the server). Starts the embedded database the way the app does (EMBEDDED_DB from
// the environment), prints one JSON line, and stops when told to on stdin.
import { loadConfig } from '../../src/config';
import { startDatabase } from '../../src/bootstrap/database';
import { loadOrCreateLinkSecret } from '../../src/links/secret';
import { makeTreePrivate } from '../../src/paths';

async function main(): Promise<void> {
  const config = loadConfig({
    DATA_DIR: process.argv[2]!,
    EMBEDDED_PG_PORT: process.argv[3]!,
    EMBEDDED_DB: process.env.EMBEDDED_DB,
  });
  makeTreePrivate(config.dataDir); // what startApplication does first
  loadOrCreateLinkSecret(config.dataDir);
  const db = await startDatabase(config, { migrate: true });
  // A restart (third argument `existing`) finds the user the first start created.
  if (process.argv[4] !== 'existing') {
    await db.prisma.user.create({
      data: { name: 'Secret Keeper', email: 'keeper@private.test', role: 'admin', locale: 'en' },
    });
  }
  process.stdout.write(`${JSON.stringify({ url: db.url, engine: db.engine, notice: db.notice })}\n`);
  process.stdin.once('data', () => {
    void db.stop().then(() => {
      process.stdout.write('stopped\n');
      process.exit(0);
    });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
