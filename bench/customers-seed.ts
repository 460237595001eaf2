// Seeding for npm run bench:customers: the org (managers, reps, tokens) and the pool of accounts,
// inserted in bulk with one INSERT ... SELECT over generate_series (100,000 rows in a few seconds),
// the shape C1's import writes (normalised name unique, industry / region / tags for pool search).
import { issueApiToken } from '../src/auth/api-tokens';
import type { PrismaClient } from '../src/db/prisma';

export interface BenchOrg {
  admin: { id: string };
  managers: { id: string; token: string; reps: { id: string; token: string }[] }[];
}

export async function seedOrg(
  prisma: PrismaClient,
  { managers, repsPerManager }: { managers: number; repsPerManager: number },
): Promise<BenchOrg> {
  const admin = await prisma.user.create({
    data: { name: 'Bench Admin', email: 'bench.admin@bench.psm', role: 'admin' },
  });
  const out: BenchOrg = { admin, managers: [] };
  for (let m = 0; m < managers; m++) {
    const manager = await prisma.user.create({
      data: { name: `Bench Manager ${m}`, email: `bench.m${m}@bench.psm`, role: 'manager' },
    });
    const reps = [];
    for (let r = 0; r < repsPerManager; r++) {
      const rep = await prisma.user.create({
        data: {
          name: `Bench Rep ${m}-${r}`,
          email: `bench.r${m}-${r}@bench.psm`,
          role: 'rep',
          managerId: manager.id,
        },
      });
      reps.push({
        id: rep.id,
        token: (await issueApiToken(prisma, { userId: rep.id, label: 'bench' })).token,
      });
    }
    const token = (await issueApiToken(prisma, { userId: manager.id, label: 'bench' })).token;
    out.managers.push({ id: manager.id, token, reps });
  }
  return out;
}

const INDUSTRIES = ['制造业', '金融', '零售', '物流', '教育', '医疗', '政府', '能源'];
const REGIONS = ['杭州', '宁波', '温州', '绍兴', '嘉兴', '湖州', '金华', '台州', '丽水', '衢州', '舟山'];

/** `count` pool accounts with ids acc-<32 hex>; returns the ids in insertion order. */
export async function seedPool(prisma: PrismaClient, count: number, createdById: string): Promise<string[]> {
  await prisma.$executeRaw`
    INSERT INTO "Account" ("id", "name", "normalizedName", "industry", "region", "tags", "funnelStep",
                           "createdById", "updatedAt")
    SELECT 'acc-' || md5('bench-' || n), '浙江基准客户' || n || '有限公司', '浙江基准客户' || n,
           (${INDUSTRIES}::text[])[1 + n % ${INDUSTRIES.length}],
           (${REGIONS}::text[])[1 + n % ${REGIONS.length}],
           ARRAY['bench', 'batch-' || (n % 10)], 'target', ${createdById}::uuid, now()
      FROM generate_series(1, ${count}) AS n`;
  await prisma.$executeRaw`ANALYZE "Account"`;
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT 'acc-' || md5('bench-' || n) AS id FROM generate_series(1, ${count}) AS n`;
  return rows.map((r) => r.id);
}
