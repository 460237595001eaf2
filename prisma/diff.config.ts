// Prisma 7's migrate commands need a native schema engine that cannot be downloaded here.
// Prisma 6.19's WebAssembly engine can compute the SQL between two schemas; it only needs a
// reachable PostgreSQL (any) to start. scripts/db-*.ts use this config; nothing else does.
import { defineConfig } from 'prisma-diff/config';
import { PrismaPg } from 'prisma-diff-adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'schema.prisma',
  async adapter() {
    const url = process.env.PRISMA_DIFF_DATABASE_URL;
    if (!url) throw new Error('PRISMA_DIFF_DATABASE_URL is not set');
    return new PrismaPg({ connectionString: url });
  },
});
