// Which running deals a definition change affects, and how (issue 17, the preview): due dates that
// move and by how much, criteria or gates a deal must now meet, deals sitting in a milestone that
// moves or goes. Pure: the CLI gives it each running deal's state as its workflow shows it.
import type { ProcessDefinition } from '../../workflows/psm-process';
import type { DefinitionChange } from './diff-definitions';

/** What the preview needs of one running deal (its workflow's getState, trimmed). */
export interface RunningDeal {
  id: string;
  name: string;
  ownerId: string;
  status: string;
  processVersion: number;
  /** The milestone the deal sits at (project_initiation while applying for it). */
  milestone: string;
  reachedIndex: number;
  timers: { kind: string; dueAt: string; level: number }[];
}

export type DealEffect =
  | {
      kind: 'due_moves';
      clock: string;
      from: string;
      to: string | null;
      byDays: number;
      /** The new due time is already past: the clock fires at the deal's next check. */
      overdue: boolean;
    }
  | { kind: 'due_moves_working_days'; clock: string; from: string; byWorkingDays: number }
  | { kind: 'must_meet'; milestone: string; key: string; why: 'next_milestone' | 'already_reached' }
  | { kind: 'sits_in_moved'; milestone: string; from: number; to: number }
  | { kind: 'sits_in_removed'; milestone: string }
  | { kind: 'next_changes'; from: string | null; to: string | null };

export interface AffectedDeal {
  deal: Pick<RunningDeal, 'id' | 'name' | 'ownerId' | 'milestone' | 'processVersion'>;
  effect: DealEffect;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function nextKey(def: ProcessDefinition, deal: RunningDeal): string | null {
  if (deal.reachedIndex < 0) return def.milestones[0]?.key ?? null;
  const at = def.milestones.findIndex((m) => m.key === deal.milestone);
  return at < 0 ? null : (def.milestones[at + 1]?.key ?? null);
}

const reached = (deal: RunningDeal) => deal.reachedIndex >= 0;

/**
 * For each change (same order), the deals it affects. Numbers reach deals on every version;
 * structural changes only deals on `latestVersion` (the one the working copy replaces).
 */
export function affectedDeals(
  changes: readonly DefinitionChange[],
  base: ProcessDefinition,
  next: ProcessDefinition,
  deals: readonly RunningDeal[],
  latestVersion: number,
  now: number,
): AffectedDeal[][] {
  const open = deals.filter((d) => d.status === 'open');
  const onLatest = deals.filter(
    (d) => d.processVersion === latestVersion && (d.status === 'open' || d.status === 'on_hold'),
  );
  const pick = ({ id, name, ownerId, milestone, processVersion }: RunningDeal) => ({
    id,
    name,
    ownerId,
    milestone,
    processVersion,
  });
  const moveDue = (
    deal: RunningDeal,
    clock: string,
    level: number | null,
    days: number | null,
    from: number | null,
  ) => {
    const out: AffectedDeal[] = [];
    for (const timer of deal.timers) {
      if (timer.kind !== clock || (level !== null && timer.level !== level)) continue;
      const due = Date.parse(timer.dueAt);
      if (days === null || from === null) {
        out.push({
          deal: pick(deal),
          effect: { kind: 'due_moves', clock, from: timer.dueAt, to: null, byDays: 0, overdue: false },
        });
        continue;
      }
      const by = days - from;
      const to = due + by * DAY_MS;
      out.push({
        deal: pick(deal),
        effect: {
          kind: 'due_moves',
          clock,
          from: timer.dueAt,
          to: new Date(to).toISOString(),
          byDays: by,
          overdue: to <= now,
        },
      });
    }
    return out;
  };

  return changes.map((change): AffectedDeal[] => {
    switch (change.kind) {
      case 'stall_sla_changed':
        return open
          .filter((d) => d.milestone === change.milestone && reached(d))
          .flatMap((d) => moveDue(d, 'stall', 1, change.to, change.from));
      case 'follow_up_changed':
        return open
          .filter((d) => d.milestone === change.milestone)
          .flatMap((d) => moveDue(d, 'follow_up', null, change.to, change.from));
      case 'number_changed': {
        const clock =
          change.setting === 'stallEscalation.directorAfterDays'
            ? (['stall', 2] as const)
            : change.setting === 'approvals.reminderAfterDays'
              ? (['approval_reminder', null] as const)
              : change.setting === 'approvals.escalateAfterReminderDays'
                ? (['approval_escalation', null] as const)
                : null;
        if (change.setting === 'contractWindow.workingDays')
          return open.flatMap((d) =>
            d.timers
              .filter((t) => t.kind === 'contract_window')
              .map((t) => ({
                deal: pick(d),
                effect: {
                  kind: 'due_moves_working_days' as const,
                  clock: 'contract_window',
                  from: t.dueAt,
                  byWorkingDays: change.to - change.from,
                },
              })),
          );
        if (!clock) return [];
        return open.flatMap((d) => moveDue(d, clock[0], clock[1], change.to, change.from));
      }
      case 'criterion_added':
      case 'gate_added': {
        const key = change.kind === 'gate_added' ? change.gate : change.criterion;
        return onLatest.flatMap((d): AffectedDeal[] => {
          if (nextKey(next, d) === change.milestone)
            return [
              {
                deal: pick(d),
                effect: { kind: 'must_meet', milestone: change.milestone, key, why: 'next_milestone' },
              },
            ];
          if (reached(d) && d.milestone === change.milestone)
            return [
              {
                deal: pick(d),
                effect: { kind: 'must_meet', milestone: change.milestone, key, why: 'already_reached' },
              },
            ];
          return [];
        });
      }
      case 'rule_changed':
        return onLatest
          .filter((d) => nextKey(next, d) === change.milestone && change.to === 'all')
          .map((d) => ({
            deal: pick(d),
            effect: {
              kind: 'must_meet' as const,
              milestone: change.milestone,
              key: 'rule:all',
              why: 'next_milestone' as const,
            },
          }));
      case 'milestone_moved':
        return onLatest
          .filter((d) => reached(d) && d.milestone === change.milestone)
          .map((d) => ({
            deal: pick(d),
            effect: {
              kind: 'sits_in_moved' as const,
              milestone: change.milestone,
              from: change.from,
              to: change.to,
            },
          }));
      case 'milestone_removed':
        return onLatest.flatMap((d): AffectedDeal[] => {
          if (reached(d) && d.milestone === change.milestone)
            return [{ deal: pick(d), effect: { kind: 'sits_in_removed', milestone: change.milestone } }];
          const before = nextKey(base, d);
          const after = nextKey(next, d);
          return before === change.milestone && before !== after
            ? [{ deal: pick(d), effect: { kind: 'next_changes', from: before, to: after } }]
            : [];
        });
      case 'milestone_inserted':
        return onLatest
          .filter((d) => nextKey(next, d) === change.milestone && nextKey(base, d) !== change.milestone)
          .map((d) => ({
            deal: pick(d),
            effect: { kind: 'next_changes' as const, from: nextKey(base, d), to: change.milestone },
          }));
      default:
        return [];
    }
  });
}
