// The six-step customer funnel (seed 001 §4.2) per rep and for the scope: how many accounts sit on
// each step now, how many reached each step in the period and went on to the next, and the
// seed's success rate (orders per claimed account) beside its 15 % benchmark.
//
// "Reached" is read off the account journal's funnel moves (AccountEvent type 'step_changed',
// data {from, to, evidence}, journalled by the account workflow): a forward move reaches every step after `from` up to `to` (opening a
// deal on a listed account reaches potential and intent at once, as a skipped milestone does for
// deals). Moves back (a lapse or release to the pool) reach nothing. Conversion is the cohort rate
// the deal funnel uses: of the accounts that reached step s in [from, to), the share with a forward
// move past s at or after that, before `to`. A move is credited to the account's holder at the
// time: the last owner change at or before it (a claim journals its owner change and its move to
// listed at the same instant), else, for an account the migration gave an owner without a change
// on record, its holder now.
import { Prisma, type PrismaClient } from '../../db/prisma';
import { ownerFilter, ratio, reportQuery } from '../report-scope';
import {
  CUSTOMER_STEPS,
  LISTED_INDEX,
  ORDER_INDEX,
  SUCCESS_RATE_BENCHMARK,
  stepsValues,
} from './funnel-steps';
import type { TCustomerFunnelLine, TCustomerFunnelReport } from './schemas';
import { scopeReps } from './scope-reps';

export type CustomerFunnelReport = Omit<TCustomerFunnelReport, 'scope'>;

export interface CustomerReportOptions {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  from: Date;
  /** Exclusive. */
  to: Date;
}

interface ReachedRow {
  ownerId: string | null;
  /** True on the scope-wide rows. */
  total: boolean;
  step: number;
  reached: number;
  advanced: number;
  ordered: number;
}

interface HeldRow {
  ownerId: string | null;
  total: boolean;
  funnelStep: string;
  held: number;
}

/** The funnel-move query (exported so the bench can EXPLAIN it). */
export function reachedSql({ scopeUserIds, from, to }: Omit<CustomerReportOptions, 'prisma'>): Prisma.Sql {
  return Prisma.sql`
    WITH moves AS (
      SELECT e."accountId", e."at", e."seq", fs.idx AS from_idx, ts.idx AS to_idx,
             CASE WHEN oc.found THEN oc."toUserId" ELSE a."ownerId" END AS owner
        FROM "AccountEvent" e
        JOIN "Account" a ON a."id" = e."accountId"
        LEFT JOIN LATERAL (
          SELECT true AS found, c."toUserId" FROM "AccountOwnerChange" c
           WHERE c."accountId" = e."accountId" AND c."at" <= e."at"
           ORDER BY c."at" DESC, c."id" DESC LIMIT 1
        ) oc ON true
        JOIN ${stepsValues('ts')} ON ts.key = e."data"->>'to'
        LEFT JOIN ${stepsValues('fs')} ON fs.key = e."data"->>'from'
       WHERE e."type" = 'step_changed' AND e."at" < ${to}
         AND ts.idx > coalesce(fs.idx, -1)
    ),
    reached AS (
      SELECT m."accountId", m.owner, s.idx AS step, min(m."at") AS at
        FROM moves m
        JOIN generate_series(0, ${CUSTOMER_STEPS.length - 1}) AS s(idx)
          ON s.idx > coalesce(m.from_idx, -1) AND s.idx <= m.to_idx
       WHERE m."at" >= ${from} AND m.owner IS NOT NULL
         ${ownerFilter(Prisma.sql`m.owner`, scopeUserIds)}
       GROUP BY m."accountId", m.owner, s.idx
    ),
    judged AS (
      SELECT r.*,
             EXISTS (SELECT 1 FROM moves f WHERE f."accountId" = r."accountId"
                        AND f.to_idx > r.step AND f."at" >= r.at) AS advanced,
             (r.step = ${LISTED_INDEX} AND EXISTS (SELECT 1 FROM moves f WHERE f."accountId" = r."accountId"
                        AND f.to_idx >= ${ORDER_INDEX} AND f."at" >= r.at)) AS ordered
        FROM reached r
    )
    SELECT owner::text AS "ownerId", (grouping(owner) = 1) AS "total", step,
           count(DISTINCT "accountId")::int AS "reached",
           (count(DISTINCT "accountId") FILTER (WHERE advanced))::int AS "advanced",
           (count(DISTINCT "accountId") FILTER (WHERE ordered))::int AS "ordered"
      FROM judged
     GROUP BY GROUPING SETS ((owner, step), (step))`;
}

function heldSql(scopeUserIds: readonly string[] | null): Prisma.Sql {
  return Prisma.sql`
    SELECT "ownerId"::text AS "ownerId", (grouping("ownerId") = 1) AS "total", "funnelStep",
           count(*)::int AS "held"
      FROM "Account"
     WHERE "ownerId" IS NOT NULL ${ownerFilter(Prisma.sql`"ownerId"`, scopeUserIds)}
     GROUP BY GROUPING SETS (("ownerId", "funnelStep"), ("funnelStep"))`;
}

function line(
  who: { userId: string | null; name: string | null },
  reached: ReachedRow[],
  held: HeldRow[],
): TCustomerFunnelLine {
  const last = CUSTOMER_STEPS.length - 1;
  const steps = CUSTOMER_STEPS.map((s, index) => {
    const r = reached.find((x) => x.step === index);
    const count = r?.reached ?? 0;
    const advanced = index === last ? null : (r?.advanced ?? 0);
    return {
      key: s.key,
      held: held.find((h) => h.funnelStep === s.key)?.held ?? 0,
      reached: count,
      advancedToNext: advanced,
      conversionToNext: advanced === null ? null : ratio(advanced, count),
    };
  });
  const listed = reached.find((x) => x.step === LISTED_INDEX);
  const claimed = listed?.reached ?? 0;
  const ordered = listed?.ordered ?? 0;
  const rate = ratio(ordered, claimed);
  return {
    ...who,
    steps,
    success: {
      claimed,
      ordered,
      rate,
      benchmark: SUCCESS_RATE_BENCHMARK,
      atOrAboveBenchmark: rate === null ? null : rate >= SUCCESS_RATE_BENCHMARK,
    },
  };
}

export async function buildCustomerFunnel(options: CustomerReportOptions): Promise<CustomerFunnelReport> {
  const { prisma, scopeUserIds } = options;
  const [reached, held, pool] = await Promise.all([
    reportQuery<ReachedRow>(prisma, reachedSql(options)),
    reportQuery<HeldRow>(prisma, heldSql(scopeUserIds)),
    prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Account" WHERE "ownerId" IS NULL`,
  ]);
  const people = await scopeReps(prisma, scopeUserIds, [
    ...reached.flatMap((r) => (r.ownerId ? [r.ownerId] : [])),
    ...held.flatMap((r) => (r.ownerId ? [r.ownerId] : [])),
  ]);
  return {
    period: { from: options.from.toISOString(), to: options.to.toISOString() },
    steps: CUSTOMER_STEPS.map((s, index) => ({ key: s.key, index, name: { zh: s.name.zh, en: s.name.en } })),
    pool: pool[0]?.n ?? 0,
    totals: line(
      { userId: null, name: null },
      reached.filter((r) => r.total),
      held.filter((r) => r.total),
    ),
    byRep: people.map((p) =>
      line(
        { userId: p.id, name: p.name },
        reached.filter((r) => !r.total && r.ownerId === p.id),
        held.filter((r) => !r.total && r.ownerId === p.id),
      ),
    ),
  };
}
