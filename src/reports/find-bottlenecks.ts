// Is one rep the bottleneck? Each rep's conversion between consecutive milestones against the
// team's (the team's rate counts every deal in scope, the rep's own included). A rep is flagged on
// a step when they reached its first milestone with at least `minSample` deals and converted at
// least `marginPct` percentage points below the team; small samples say nothing, so they are not judged.
import { queryConversions, type ConversionRow } from './query-conversions';
import { reportSteps } from './report-milestones';
import { ratio, type ReportOptions } from './report-scope';
import type { TBottleneckReport } from './schemas';
import { namesAhead, userNames } from './user-names';

export type BottleneckReport = Omit<TBottleneckReport, 'scope'>;

export interface BottleneckOptions extends ReportOptions {
  /** List only these owners (still compared against everyone in `scopeUserIds`); null = all. */
  repIds?: readonly string[] | null;
  marginPct?: number;
  minSample?: number;
}

export const DEFAULT_MARGIN_PCT = 20;
export const DEFAULT_MIN_SAMPLE = 5;

interface Step {
  from: string;
  to: string;
  entered: number;
  advanced: number;
  rate: number | null;
}

/** Steps by milestone key (issue 17): a step counts the deals of every version at its first milestone. */
function steps(rows: readonly ConversionRow[]): Step[] {
  return reportSteps().map(({ from, to }) => {
    const atStep = rows.filter((r) => r.milestone === from);
    const entered = atStep.reduce((s, r) => s + r.reached, 0);
    const advanced = atStep.reduce((s, r) => s + r.advanced, 0);
    return { from, to, entered, advanced, rate: ratio(advanced, entered) };
  });
}

/** Team minus rep, in percentage points, from the counts (not the rounded rates). */
function gapPoints(rep: Step, team: Step): number | null {
  if (rep.entered === 0 || team.entered === 0) return null;
  return (team.advanced / team.entered - rep.advanced / rep.entered) * 100;
}

export async function findBottlenecks(options: BottleneckOptions): Promise<BottleneckReport> {
  const marginPct = options.marginPct ?? DEFAULT_MARGIN_PCT;
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  const ahead = namesAhead(options.prisma, options.scopeUserIds);
  const rows = await queryConversions(options, { perOwner: true });
  const team = steps(rows);

  const listed = options.repIds ? new Set(options.repIds) : null;
  const ownerIds = [...new Set(rows.map((r) => r.ownerId!))].filter((id) => !listed || listed.has(id));
  const names = await (ahead ?? userNames(options.prisma, ownerIds));
  const rowsOf = new Map<string, ConversionRow[]>();
  for (const r of rows) rowsOf.set(r.ownerId!, [...(rowsOf.get(r.ownerId!) ?? []), r]);

  const reps = ownerIds
    .map((userId) => {
      const transitions = steps(rowsOf.get(userId) ?? []).map((step, i) => {
        const gap = gapPoints(step, team[i]!);
        // The epsilon keeps a gap of exactly the margin (50 − 0 vs 50) from missing it by float noise.
        const flagged = gap !== null && step.entered >= minSample && gap >= marginPct - 1e-9;
        return {
          ...step,
          teamRate: team[i]!.rate,
          gapPct: gap === null ? null : Math.round(gap * 100) / 100,
          flagged,
        };
      });
      return { userId, name: names.get(userId) ?? userId, transitions };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));

  const flagged = reps.flatMap((rep) =>
    rep.transitions
      .filter((t) => t.flagged)
      .map((t) => ({
        userId: rep.userId,
        name: rep.name,
        from: t.from,
        to: t.to,
        entered: t.entered,
        advanced: t.advanced,
        rate: t.rate,
        teamRate: t.teamRate!,
        gapPct: t.gapPct!,
      })),
  );
  flagged.sort((a, b) => b.gapPct - a.gapPct);

  return {
    period: { from: options.from.toISOString(), to: options.to.toISOString() },
    marginPct,
    minSample,
    team,
    reps,
    flagged,
  };
}
