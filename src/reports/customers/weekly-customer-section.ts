// The weekly report's customer section (issue 11): for the recipient's line, the six steps now
// and this week, the success rate over the trailing window against the seed's benchmark, and each
// rep's claims against the cap with the week's claims and lapses. Omitted (null) for a line that
// holds no accounts and moved none in the window, so a team without customers gets the same mail
// as before.
import type { PrismaClient } from '../../db/prisma';
import { translator } from '../../i18n';
import type { TMailLocale } from '../../mail/locale';
import type { ReportPeriod } from '../report-period';
import { buildClaimUtilisation, type ClaimReport } from './build-claim-utilisation';
import { buildCustomerFunnel, type CustomerFunnelReport } from './build-customer-funnel';
import { countLapses, type LapseReport } from './count-lapses';
import { CUSTOMER_STEPS, LISTED_INDEX, SUCCESS_RATE_BENCHMARK } from './funnel-steps';

export interface CustomerWeekData {
  trailingDays: number;
  week: CustomerFunnelReport;
  trailing: CustomerFunnelReport;
  claims: ClaimReport;
  lapses: LapseReport;
}

/** The shape of a weekly-report section (weekly-report-content's ContentSection). */
interface Section {
  title: string;
  blocks: (
    | { kind: 'text'; text: string }
    | { kind: 'table'; table: { headers: string[]; rows: string[][]; numeric: number[] } }
  )[];
}

export async function composeCustomerWeek({
  prisma,
  team,
  week,
  trailing,
  asOf,
}: {
  prisma: PrismaClient;
  team: string[];
  week: ReportPeriod;
  trailing: ReportPeriod;
  asOf: Date;
}): Promise<CustomerWeekData | null> {
  const scope = { prisma, scopeUserIds: team };
  const [weekFunnel, trailingFunnel, claims, lapses] = await Promise.all([
    buildCustomerFunnel({ ...scope, ...week }),
    buildCustomerFunnel({ ...scope, ...trailing }),
    buildClaimUtilisation({ ...scope, asOf }),
    countLapses({ ...scope, ...week }),
  ]);
  const holds = claims.totals.held + claims.totals.active > 0;
  const moved = trailingFunnel.totals.steps.some((s) => s.reached > 0);
  if (!holds && !moved && lapses.totals.total === 0) return null;
  const trailingDays = Math.round((trailing.to.getTime() - trailing.from.getTime()) / 86_400_000);
  return { trailingDays, week: weekFunnel, trailing: trailingFunnel, claims, lapses };
}

export function customerSection(d: CustomerWeekData, locale: TMailLocale): Section {
  const t = translator(locale, 'customer-reports');
  const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);
  const days = d.trailingDays;
  const success = d.trailing.totals.success;
  const stepName = (i: number) =>
    locale === 'zh-CN' ? CUSTOMER_STEPS[i]!.name.zh : CUSTOMER_STEPS[i]!.name.en;
  const funnelRows = CUSTOMER_STEPS.map((_, i) => [
    stepName(i),
    String(d.week.totals.steps[i]!.held),
    String(d.week.totals.steps[i]!.reached),
    pct(d.trailing.totals.steps[i]!.conversionToNext),
  ]);
  const repRow = (userId: string | null, name: string) => {
    const claims = userId === null ? d.claims.totals : d.claims.byRep.find((l) => l.userId === userId);
    const week = userId === null ? d.week.totals : d.week.byRep.find((l) => l.userId === userId);
    const trailing = userId === null ? d.trailing.totals : d.trailing.byRep.find((l) => l.userId === userId);
    const lapsed = userId === null ? d.lapses.totals : d.lapses.byRep.find((l) => l.userId === userId);
    return [
      name,
      `${claims?.held ?? 0} / ${claims?.cap ?? 0}`,
      String(claims?.inWarning ?? 0),
      String(week?.steps[LISTED_INDEX]!.reached ?? 0),
      String(lapsed?.total ?? 0),
      trailing
        ? `${pct(trailing.success.rate)} (${trailing.success.ordered}/${trailing.success.claimed})`
        : '—',
    ];
  };
  return {
    title: t('title'),
    blocks: [
      {
        kind: 'text',
        text:
          success.claimed > 0
            ? t('success', {
                days,
                claimed: success.claimed,
                ordered: success.ordered,
                rate: pct(success.rate),
              })
            : t('noClaims', { days }),
      },
      { kind: 'text', text: t('benchmark', { benchmark: pct(SUCCESS_RATE_BENCHMARK) }) },
      { kind: 'text', text: t('funnelTitle', { days }) },
      {
        kind: 'table',
        table: {
          headers: [t('step'), t('now'), t('reachedThisWeek'), t('conversion', { days })],
          rows: funnelRows,
          numeric: [1, 2, 3],
        },
      },
      { kind: 'text', text: t('pool', { count: d.week.pool }) },
      { kind: 'text', text: t('claimsTitle') },
      {
        kind: 'table',
        table: {
          headers: [
            t('rep'),
            t('heldOfCap'),
            t('inWarning'),
            t('claimedThisWeek'),
            t('lapsedThisWeek'),
            t('successRate', { days }),
          ],
          rows: [...d.claims.byRep.map((l) => repRow(l.userId, l.name ?? '')), repRow(null, t('total'))],
          numeric: [1, 2, 3, 4, 5],
        },
      },
    ],
  };
}
