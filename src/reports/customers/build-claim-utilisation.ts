// Claim utilisation: per rep the claims held against their cap, and the scope's totals. Held
// = accounts the rep holds that are not active customers (在网 stays with its owner, outside the
// cap); in warning = claims whose lapse warning has gone out (warnsAt passed, lapsesAt not yet).
import { Prisma, type PrismaClient } from '../../db/prisma';
import { ownerFilter, ratio, reportQuery } from '../report-scope';
import { ACTIVE_KEY } from './funnel-steps';
import type { TClaimLine, TClaimReport } from './schemas';
import { scopeReps } from './scope-reps';
import { claimCaps } from './claim-caps';

export type ClaimReport = Omit<TClaimReport, 'scope'>;

interface HeldRow {
  ownerId: string;
  held: number;
  active: number;
  inWarning: number;
}

export async function buildClaimUtilisation({
  prisma,
  scopeUserIds,
  asOf,
}: {
  prisma: PrismaClient;
  scopeUserIds: readonly string[] | null;
  asOf: Date;
}): Promise<ClaimReport> {
  const rows = await reportQuery<HeldRow>(
    prisma,
    Prisma.sql`
      SELECT "ownerId"::text AS "ownerId",
             (count(*) FILTER (WHERE "funnelStep" <> ${ACTIVE_KEY}))::int AS "held",
             (count(*) FILTER (WHERE "funnelStep" = ${ACTIVE_KEY}))::int AS "active",
             (count(*) FILTER (WHERE "funnelStep" <> ${ACTIVE_KEY} AND "warnsAt" <= ${asOf}
                                 AND ("lapsesAt" IS NULL OR "lapsesAt" > ${asOf})))::int AS "inWarning"
        FROM "Account"
       WHERE "ownerId" IS NOT NULL ${ownerFilter(Prisma.sql`"ownerId"`, scopeUserIds)}
       GROUP BY "ownerId"`,
  );
  const people = await scopeReps(
    prisma,
    scopeUserIds,
    rows.map((r) => r.ownerId),
  );
  const caps = await claimCaps(
    prisma,
    people.map((p) => p.id),
  );
  const byRep: TClaimLine[] = people.map((p) => {
    const r = rows.find((x) => x.ownerId === p.id);
    const held = r?.held ?? 0;
    const cap = caps.get(p.id)!;
    return {
      userId: p.id,
      name: p.name,
      held,
      cap,
      utilisation: ratio(held, cap),
      active: r?.active ?? 0,
      inWarning: r?.inWarning ?? 0,
      atCap: held >= cap ? 1 : 0,
    };
  });
  const sum = (k: 'held' | 'cap' | 'active' | 'inWarning' | 'atCap') => byRep.reduce((n, l) => n + l[k], 0);
  return {
    asOf: asOf.toISOString(),
    totals: {
      userId: null,
      name: null,
      held: sum('held'),
      cap: sum('cap'),
      utilisation: ratio(sum('held'), sum('cap')),
      active: sum('active'),
      inWarning: sum('inWarning'),
      atCap: sum('atCap'),
    },
    byRep,
  };
}
