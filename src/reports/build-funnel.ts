// The funnel (漏斗): per milestone, the deals that reached it in the period, their amount, and the
// share that went on to the next milestone. By key (issue 17): the milestones of every process
// version in the latest version's order, each counting the deals that reached it on any version.
import { queryConversions } from './query-conversions';
import { reportMilestones } from './report-milestones';
import { cents, ratio, type ReportOptions } from './report-scope';
import type { TFunnelReport } from './schemas';

export type FunnelReport = Omit<TFunnelReport, 'scope'>;

export async function buildFunnel(options: ReportOptions): Promise<FunnelReport> {
  const rows = await queryConversions(options, { perOwner: false });
  const byKey = new Map(rows.map((r) => [r.milestone, r]));
  return {
    period: { from: options.from.toISOString(), to: options.to.toISOString() },
    stages: reportMilestones().map((m) => {
      const row = byKey.get(m.key);
      const reached = row?.reached ?? 0;
      const advanced = m.last ? null : (row?.advanced ?? 0);
      return {
        key: m.key,
        index: m.index,
        name: m.name,
        winPct: m.winPct,
        reached,
        skipped: row?.skipped ?? 0,
        amount: cents(row?.amount ?? 0),
        advancedToNext: advanced,
        conversionToNext: advanced === null ? null : ratio(advanced, reached),
      };
    }),
  };
}
