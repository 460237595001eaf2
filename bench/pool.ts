// npm run bench:pool — the public-pool (公海) search at scale (issue 11): a throwaway PostgreSQL with
// 100,000 accounts (90,000 in the pool, 10,000 held by 200 reps, 50 each) and their normalised names,
// then GET /api/pool through HTTP (the real pool router, zod and JSON, on an express app whose
// caller is fixed: no token lookup) for a rep, a manager and an admin over a mix of searches, beside
// bare baselines in the same run: SELECT 1, a primary-key lookup of an account, and an HTTP route
// that answers {} at once. Target: pool search p95 < 200 ms.
//
// BENCH_ACCOUNTS (100000), BENCH_RUNS (40 per case) change the sizes; BENCH_DATABASE_URL reuses a
// database (migrations still applied, not re-seeded when it already has the accounts).
import express from 'express';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startPgCluster, type PgCluster } from '../scripts/lib/pg-cluster';
import { migrate } from '../src/db/migrate';
import { createPrismaClient, type PrismaClient } from '../src/db/prisma';
import { createRegistry } from '../src/api/openapi';
import { createPoolRouter } from '../src/api/routes/pool';
import { errorHandler } from '../src/api/middleware/errors';
import { createLogger } from '../src/logger';
import type { AuthenticatedUser } from '../src/auth/api-tokens';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const REPS = 200;
const HELD_PER_REP = 50;
const TARGET_P95_MS = 200;

const PREFIXES = [
  '北京',
  '上海',
  '广州',
  '深圳',
  '杭州',
  '南京',
  '苏州',
  '成都',
  '武汉',
  '西安',
  '重庆',
  '天津',
  '长沙',
  '郑州',
  '青岛',
  '厦门',
  '合肥',
  '济南',
  '福州',
  '昆明',
];
const WORDS = [
  '华',
  '鑫',
  '瑞',
  '博',
  '达',
  '恒',
  '泰',
  '宏',
  '信',
  '安',
  '盛',
  '德',
  '创',
  '联',
  '众',
  '远',
  '航',
  '星',
  '海',
  '嘉',
];
const KINDS = [
  '科技',
  '信息技术',
  '网络',
  '电子',
  '软件',
  '机械',
  '物流',
  '贸易',
  '医疗器械',
  '新能源',
  '建设',
  '咨询',
];
const SUFFIXES = ['有限公司', '股份有限公司', '有限责任公司', '（集团）有限公司'];
const INDUSTRIES = [
  '制造业',
  '金融',
  '零售',
  '物流',
  '教育',
  '医疗',
  '政府',
  '能源',
  '互联网',
  '建筑',
  '农业',
  '交通',
];
const REGIONS = PREFIXES;
const TAGS = ['重点', '高潜', '老客户', '招投标', '国企', '外企', '上市', '专精特新', '渠道', '直销'];

async function seed(prisma: PrismaClient): Promise<{ rep: string; manager: string; admin: string }> {
  const admin = await prisma.user.create({
    data: { name: 'Bench Admin', email: 'admin@pool.bench', role: 'admin' },
  });
  const managers: { id: string }[] = [];
  for (let m = 0; m < REPS / 10; m++) {
    managers.push(
      await prisma.user.create({ data: { name: `经理${m}`, email: `m${m}@pool.bench`, role: 'manager' } }),
    );
  }
  await prisma.user.createMany({
    data: Array.from({ length: REPS }, (_, r) => ({
      name: `销售${r}`,
      email: `r${r}@pool.bench`,
      role: 'rep' as const,
      managerId: managers[r % managers.length]!.id,
    })),
  });
  const reps = await prisma.user.findMany({ where: { role: 'rep' }, orderBy: { email: 'asc' } });
  // One INSERT ... SELECT: names like 深圳华信科技(1234)股份有限公司, normalised by the migration's
  // SQL twin of normalizeAccountName (the trigger adds the search grams). Industry, region and tag
  // are drawn by hash, independent of the name order. Every 10th account is held: 200 reps x 50.
  await prisma.$executeRaw`
    INSERT INTO "Account" ("id", "name", "normalizedName", "industry", "region", "tags", "funnelStep",
                           "ownerId", "claimedAt", "createdById", "updatedAt")
    SELECT 'acc-' || md5('pool-bench-' || n), name, account_normalized_name(name),
           (${INDUSTRIES}::text[])[1 + abs(hashtext('i' || n)) % ${INDUSTRIES.length}],
           (${REGIONS}::text[])[1 + abs(hashtext('r' || n)) % ${REGIONS.length}],
           ARRAY[(${TAGS}::text[])[1 + abs(hashtext('t' || n)) % ${TAGS.length}]],
           CASE WHEN n % 10 = 0 AND n / 10 <= ${REPS * HELD_PER_REP} THEN 'listed' ELSE 'target' END,
           CASE WHEN n % 10 = 0 AND n / 10 <= ${REPS * HELD_PER_REP}
                THEN (${reps.map((r) => r.id)}::uuid[])[1 + (n / 10) % ${REPS}] END,
           CASE WHEN n % 10 = 0 AND n / 10 <= ${REPS * HELD_PER_REP} THEN now() END,
           ${admin.id}::uuid, now()
      FROM (SELECT n, (${PREFIXES}::text[])[1 + n % 20] || (${WORDS}::text[])[1 + (n / 20) % 20]
                     || (${WORDS}::text[])[1 + (n / 400) % 20] || (${KINDS}::text[])[1 + (n / 8000) % 12]
                     || '(' || n || ')' || (${SUFFIXES}::text[])[1 + n % 4] AS name
              FROM generate_series(1, ${ACCOUNTS}) AS n) s`;
  await prisma.$executeRaw`ANALYZE "Account"`;
  return { rep: reps[0]!.id, manager: managers[0]!.id, admin: admin.id };
}

function stats(ms: number[]): { p50: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

async function main(): Promise<void> {
  let cluster: PgCluster | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    cluster = await startPgCluster();
    url = cluster.url;
  }
  const prisma = createPrismaClient(url, { maxConnections: 10 });
  let server: Server | undefined;
  try {
    await migrate(url);
    const t0 = Date.now();
    const ids =
      (await prisma.account.count()) >= ACCOUNTS
        ? {
            rep: (await prisma.user.findFirstOrThrow({ where: { role: 'rep' }, orderBy: { email: 'asc' } }))
              .id,
            manager: (
              await prisma.user.findFirstOrThrow({ where: { role: 'manager' }, orderBy: { email: 'asc' } })
            ).id,
            admin: (await prisma.user.findFirstOrThrow({ where: { role: 'admin' } })).id,
          }
        : await seed(prisma);
    const counts = await prisma.$queryRaw<{ pool: bigint; held: bigint }[]>`
      SELECT count(*) FILTER (WHERE "ownerId" IS NULL) AS pool, count(*) FILTER (WHERE "ownerId" IS NOT NULL) AS held FROM "Account"`;
    console.log(
      `accounts: ${Number(counts[0]!.pool)} in the pool, ${Number(counts[0]!.held)} held (seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );

    // The real pool router on a bare express app; the caller is chosen per request by a header.
    const callers: Record<string, AuthenticatedUser> = {
      rep: { id: ids.rep, role: 'rep' } as AuthenticatedUser,
      manager: { id: ids.manager, role: 'manager' } as AuthenticatedUser,
      admin: { id: ids.admin, role: 'admin' } as AuthenticatedUser,
    };
    const app = express();
    app.use((req, _res, next) => {
      (req as { user?: AuthenticatedUser }).user = callers[req.get('x-bench-caller') ?? 'rep'];
      next();
    });
    app.get('/api/ping', (_req, res) => {
      res.json({});
    });
    app.use('/api', createPoolRouter({ prisma, registry: createRegistry() }));
    app.use(errorHandler(createLogger('silent')));
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const get = async (path: string, caller = 'rep') => {
      const res = await fetch(base + path, { headers: { 'x-bench-caller': caller } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ accounts: unknown[]; nextCursor: string | null }>;
    };

    // A cursor five pages into a common search, for the paging case.
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++)
      cursor = (await get(`/api/pool?q=${encodeURIComponent('科技')}${cursor ? `&cursor=${cursor}` : ''}`))
        .nextCursor;
    const someAccount = await prisma.account.findFirstOrThrow({
      where: { ownerId: null },
      orderBy: { id: 'desc' },
    });
    const enc = encodeURIComponent;
    const cases: { label: string; path: string; caller?: string }[] = [
      { label: 'browse, first page', path: '/api/pool' },
      { label: 'q=科技 (common)', path: `/api/pool?q=${enc('科技')}` },
      { label: 'q=科技, 6th page', path: `/api/pool?q=${enc('科技')}&cursor=${cursor}` },
      {
        label: 'q=full name, suffix variant',
        path: `/api/pool?q=${enc(someAccount.name.replace(/（集团）有限公司|股份有限公司|有限责任公司|有限公司$/, '有限公司'))}`,
      },
      { label: 'q=rare (no match)', path: `/api/pool?q=${enc('不存在的名字')}` },
      {
        label: 'q=深圳华 + industry + region',
        path: `/api/pool?q=${enc('深圳华')}&industry=${enc('金融')}&region=${enc('深圳')}`,
      },
      { label: 'tag=专精特新', path: `/api/pool?tag=${enc('专精特新')}` },
      {
        label: 'industry + region + tag',
        path: `/api/pool?industry=${enc('能源')}&region=${enc('成都')}&tag=${enc('国企')}`,
      },
      { label: 'q=科技, manager', path: `/api/pool?q=${enc('科技')}`, caller: 'manager' },
      { label: 'q=科技, admin', path: `/api/pool?q=${enc('科技')}`, caller: 'admin' },
      { label: 'limit=200', path: '/api/pool?limit=200' },
    ];
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    console.log(`\n${RUNS} runs per case; load average before: ${load()}`);
    const rows: { label: string; p50: number; p95: number; max: number; n?: number }[] = [];
    rows.push({
      label: 'baseline: SELECT 1 (prisma)',
      ...stats(await timed(RUNS, () => prisma.$queryRaw`SELECT 1`)),
    });
    rows.push({
      label: 'baseline: account by primary key',
      ...stats(await timed(RUNS, () => prisma.account.findUnique({ where: { id: someAccount.id } }))),
    });
    rows.push({
      label: 'baseline: HTTP GET {} (no query)',
      ...stats(await timed(RUNS, () => get('/api/ping'))),
    });
    for (const c of cases) {
      const n = (await get(c.path, c.caller)).accounts.length;
      rows.push({
        label: `GET /api/pool ${c.label}`,
        n,
        ...stats(await timed(RUNS, () => get(c.path, c.caller))),
      });
    }
    console.log(`load average after:  ${load()}\n`);
    console.log(`${'case'.padEnd(52)} rows   p50 ms   p95 ms   max ms`);
    for (const r of rows) {
      const flag = r.label.startsWith('GET') && r.p95 >= TARGET_P95_MS ? `  <- over ${TARGET_P95_MS} ms` : '';
      console.log(
        `${r.label.padEnd(52)} ${String(r.n ?? '').padStart(4)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}${flag}`,
      );
    }
    const worst = rows.filter((r) => r.label.startsWith('GET')).reduce((a, b) => (b.p95 > a.p95 ? b : a));
    console.log(
      `\nworst pool search p95 ${worst.p95.toFixed(1)} ms (${worst.label}); target < ${TARGET_P95_MS} ms`,
    );
    for (const [label, where] of (process.env.BENCH_EXPLAIN ?? '')
      .split('|')
      .filter(Boolean)
      .map((w) => [w, w])) {
      const plan = await prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN ANALYZE SELECT * FROM "Account" WHERE ${where} ORDER BY "normalizedName" LIMIT 51`,
      );
      console.log(`\nplan of ${label}:\n${plan.map((p) => p['QUERY PLAN']).join('\n')}`);
    }
  } finally {
    server?.close();
    await prisma.$disconnect();
    cluster?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
