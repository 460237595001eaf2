// The funnel (漏斗): per milestone, the deals that reached it in the period, their amount, and the
// share that went on to the next milestone.
import { PSM_PROCESS } from '../../workflows/psm-process';
import { queryConversions } from './query-conversions';
import { cents, ratio, type ReportOptions } from './report-scope';
import type { TFunnelReport } from './schemas';

export type FunnelReport = Omit<TFunnelReport, 'scope'>;

export async function buildFunnel(options: ReportOptions): Promise<FunnelReport> {
  const rows = await queryConversions(options, { perOwner: false });
  const byIndex = new Map(rows.map((r) => [r.milestoneIndex, r]));
  const last = PSM_PROCESS.milestones.length - 1;
  return {
    period: { from: options.from.toISOString(), to: options.to.toISOString() },
    stages: PSM_PROCESS.milestones.map((m, index) => {
      const row = byIndex.get(index);
      const reached = row?.reached ?? 0;
      const advanced = index === last ? null : (row?.advanced ?? 0);
      return {
        key: m.key,
        index,
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
