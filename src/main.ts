// One command runs everything on embedded defaults: Temporal dev server, PostgreSQL (PGlite),
// local mail outbox, the worker and the API. Each environment variable switches a part to the
// real service. `--role=api` or `--role=worker` runs one half, as docker-compose does.
import { loadConfig, ConfigError } from './config';
import { createLogger } from './logger';
import { startApplication } from './bootstrap/application';

type Role = 'all' | 'api' | 'worker';

function parseRole(argv: string[]): Role {
  const arg = argv.find((a) => a.startsWith('--role='));
  const role = arg?.slice('--role='.length) ?? 'all';
  if (role !== 'all' && role !== 'api' && role !== 'worker') {
    throw new ConfigError('--role', `must be all, api or worker (got ${role})`);
  }
  return role;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const role = parseRole(process.argv.slice(2));
  const logger = createLogger(config.logLevel);
  const app = await startApplication({ config, role, logger });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    app
      .stop()
      .then(() => {
        logger.info('stopped cleanly');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // Start-up errors are configuration problems most of the time: one clear line, no stack.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`psm: cannot start: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});

export type { Role };
