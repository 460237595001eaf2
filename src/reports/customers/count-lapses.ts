// Lapses per rep per month: claims that ran out without a standard sales action and went back to
// the pool (AccountOwnerChange reason 'lapse', counted against the rep who lost it), by local
// calendar month on the team's calendar.
import { Prisma } from '../../db/prisma';
import { PSM_PROCESS } from '../../../workflows/psm-process';
import { localDay } from '../report-period';
import { ownerFilter, reportQuery } from '../report-scope';
import type { CustomerReportOptions } from './build-customer-funnel';
import type { TLapseReport } from './schemas';
import { scopeReps } from './scope-reps';

export type LapseReport = Omit<TLapseReport, 'scope'>;

interface LapseRow {
  ownerId: string | null;
  total: boolean;
  month: string;
  lapses: number;
}

/** Every local 'YYYY-MM' the half-open period touches. */
export function monthsOf(from: Date, to: Date): string[] {
  const first = localDay(from).slice(0, 7);
  const last = localDay(new Date(to.getTime() - 1)).slice(0, 7);
  const months: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (let key = first; key <= last;) {
    months.push(key);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
    key = `${y}-${String(m).padStart(2, '0')}`;
  }
  return months;
}

export async function countLapses(options: CustomerReportOptions): Promise<LapseReport> {
  const { prisma, scopeUserIds, from, to } = options;
  const offset = PSM_PROCESS.workCalendar.utcOffsetMinutes;
  const rows = await reportQuery<LapseRow>(
    prisma,
    Prisma.sql`
      SELECT "fromUserId"::text AS "ownerId", (grouping("fromUserId") = 1) AS "total", "month",
             count(*)::int AS "lapses"
        FROM (SELECT "fromUserId", to_char("at" + make_interval(mins => ${offset}::int), 'YYYY-MM') AS "month"
                FROM "AccountOwnerChange"
               WHERE "reason" = 'lapse' AND "fromUserId" IS NOT NULL AND "at" >= ${from} AND "at" < ${to}
                 ${ownerFilter(Prisma.sql`"fromUserId"`, scopeUserIds)}) lapsed
       GROUP BY GROUPING SETS (("fromUserId", "month"), ("month"))`,
  );
  const months = monthsOf(from, to);
  const people = await scopeReps(
    prisma,
    scopeUserIds,
    rows.flatMap((r) => (r.ownerId ? [r.ownerId] : [])),
  );
  const lineOf = (userId: string | null, name: string | null, mine: LapseRow[]) => {
    const perMonth = months.map((month) => mine.find((r) => r.month === month)?.lapses ?? 0);
    return { userId, name, perMonth, total: perMonth.reduce((a, b) => a + b, 0) };
  };
  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    months,
    totals: lineOf(
      null,
      null,
      rows.filter((r) => r.total),
    ),
    byRep: people.map((p) =>
      lineOf(
        p.id,
        p.name,
        rows.filter((r) => !r.total && r.ownerId === p.id),
      ),
    ),
  };
}
