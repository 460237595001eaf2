// What changes between two process definitions (issue 17, the preview): milestones inserted,
// removed or moved, criteria, gates and checklist items added or removed, and every number a
// running deal's clocks use. Pure: the preview CLI loads the two definitions and lists the running
// deals each change affects (./affected-deals.ts).
import type { ProcessDefinition, SalesMilestoneDefinition } from '../../workflows/psm-process';

export type DefinitionChange =
  | { kind: 'milestone_inserted'; milestone: string; index: number }
  | { kind: 'milestone_removed'; milestone: string; index: number }
  | { kind: 'milestone_moved'; milestone: string; from: number; to: number }
  | { kind: 'stall_sla_changed'; milestone: string; from: number | null; to: number | null }
  | { kind: 'follow_up_changed'; milestone: string; from: number | null; to: number | null }
  | { kind: 'criterion_added'; milestone: string; criterion: string }
  | { kind: 'criterion_removed'; milestone: string; criterion: string }
  | { kind: 'rule_changed'; milestone: string; from: string; to: string }
  | { kind: 'gate_added'; milestone: string; gate: string }
  | { kind: 'gate_removed'; milestone: string; gate: string }
  | { kind: 'checklist_item_added'; milestone: string; item: string }
  | { kind: 'checklist_item_removed'; milestone: string; item: string }
  | { kind: 'number_changed'; setting: NumberSetting; from: number; to: number };

export type NumberSetting =
  | 'stallEscalation.directorAfterDays'
  | 'approvals.reminderAfterDays'
  | 'approvals.escalateAfterReminderDays'
  | 'approvals.directorFromAmount'
  | 'contractWindow.workingDays';

/** Whether a change needs a new process version (structure) or is a number (safe for running deals). */
export function isStructural(change: DefinitionChange): boolean {
  return !['stall_sla_changed', 'follow_up_changed', 'number_changed'].includes(change.kind);
}

const keysOf = (list: readonly { key: string }[]) => list.map((x) => x.key);

function diffMilestone(a: SalesMilestoneDefinition, b: SalesMilestoneDefinition): DefinitionChange[] {
  const out: DefinitionChange[] = [];
  const m = a.key;
  if (a.stallSlaDays !== b.stallSlaDays)
    out.push({ kind: 'stall_sla_changed', milestone: m, from: a.stallSlaDays, to: b.stallSlaDays });
  if (a.followUpCadenceDays !== b.followUpCadenceDays)
    out.push({
      kind: 'follow_up_changed',
      milestone: m,
      from: a.followUpCadenceDays,
      to: b.followUpCadenceDays,
    });
  for (const c of keysOf(b.criteria).filter((k) => !keysOf(a.criteria).includes(k)))
    out.push({ kind: 'criterion_added', milestone: m, criterion: c });
  for (const c of keysOf(a.criteria).filter((k) => !keysOf(b.criteria).includes(k)))
    out.push({ kind: 'criterion_removed', milestone: m, criterion: c });
  if (a.rule !== b.rule) out.push({ kind: 'rule_changed', milestone: m, from: a.rule, to: b.rule });
  const ga = a.approvalGate?.key ?? null;
  const gb = b.approvalGate?.key ?? null;
  if (ga !== gb) {
    if (ga !== null) out.push({ kind: 'gate_removed', milestone: m, gate: ga });
    if (gb !== null) out.push({ kind: 'gate_added', milestone: m, gate: gb });
  }
  for (const i of keysOf(b.checklist).filter((k) => !keysOf(a.checklist).includes(k)))
    out.push({ kind: 'checklist_item_added', milestone: m, item: i });
  for (const i of keysOf(a.checklist).filter((k) => !keysOf(b.checklist).includes(k)))
    out.push({ kind: 'checklist_item_removed', milestone: m, item: i });
  return out;
}

/** Every change from `base` (deployed) to `next` (the working copy), milestones in `next`'s order. */
export function diffDefinitions(base: ProcessDefinition, next: ProcessDefinition): DefinitionChange[] {
  const out: DefinitionChange[] = [];
  const baseKeys = keysOf(base.milestones);
  const nextKeys = keysOf(next.milestones);
  base.milestones.forEach((m, index) => {
    if (!nextKeys.includes(m.key)) out.push({ kind: 'milestone_removed', milestone: m.key, index });
  });
  next.milestones.forEach((m, index) => {
    const before = baseKeys.indexOf(m.key);
    if (before < 0) {
      out.push({ kind: 'milestone_inserted', milestone: m.key, index });
      return;
    }
    if (before !== index) out.push({ kind: 'milestone_moved', milestone: m.key, from: before, to: index });
    out.push(...diffMilestone(base.milestones[before] as SalesMilestoneDefinition, m));
  });
  const numbers: [NumberSetting, number, number][] = [
    [
      'stallEscalation.directorAfterDays',
      base.stallEscalation.directorAfterDays,
      next.stallEscalation.directorAfterDays,
    ],
    ['approvals.reminderAfterDays', base.approvals.reminderAfterDays, next.approvals.reminderAfterDays],
    [
      'approvals.escalateAfterReminderDays',
      base.approvals.escalateAfterReminderDays,
      next.approvals.escalateAfterReminderDays,
    ],
    ['approvals.directorFromAmount', base.approvals.directorFromAmount, next.approvals.directorFromAmount],
    ['contractWindow.workingDays', base.contractWindow.workingDays, next.contractWindow.workingDays],
  ];
  for (const [setting, from, to] of numbers)
    if (from !== to) out.push({ kind: 'number_changed', setting, from, to });
  return out;
}
