// Computes SQL between two Prisma schemas with Prisma 6.19's WebAssembly schema engine (the
// `prisma-diff` alias in package.json). It needs any reachable PostgreSQL to start, nothing more.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Prisma 6 wants a datasource url and no Prisma-7-only generator; the models are what count. */
function forPrisma6(schema: string): string {
  return schema
    .replace(/generator\s+\w+\s*\{[^}]*\}/g, '')
    .replace(
      /datasource\s+db\s*\{[^}]*\}/,
      'datasource db {\n  provider = "postgresql"\n  url = env("PRISMA_DIFF_DATABASE_URL")\n}',
    );
}

export function diffSchemas(opts: { from: string | 'empty'; to: string; databaseUrl: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-diff-'));
  try {
    fs.writeFileSync(path.join(dir, 'to.prisma'), forPrisma6(opts.to));
    const fromArgs =
      opts.from === 'empty'
        ? ['--from-empty']
        : (fs.writeFileSync(path.join(dir, 'from.prisma'), forPrisma6(opts.from)),
          ['--from-schema-datamodel', path.join(dir, 'from.prisma')]);
    const result = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/prisma-diff/build/index.js'),
        'migrate',
        'diff',
        '--config',
        path.join(ROOT, 'prisma/diff.config.ts'),
        ...fromArgs,
        '--to-schema-datamodel',
        path.join(dir, 'to.prisma'),
        '--script',
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          PRISMA_DIFF_DATABASE_URL: opts.databaseUrl,
          // Nothing may be downloaded; these engines are never run by `migrate diff` with engine "js".
          PRISMA_QUERY_ENGINE_LIBRARY: '/bin/true',
          PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true',
          PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      },
    );
    if (result.status !== 0) throw new Error(`prisma migrate diff failed: ${result.stderr || result.stdout}`);
    return result.stdout.replace(/^Loaded Prisma config.*\n/m, '').trim() + '\n';
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
