// The preview as a sales-ops person reads it (zh-CN or en, i18n namespace process-preview): each
// change with the running deals it affects. Pure over the diff and the affected deals.
import type { Bilingual, ProcessDefinition } from '../../workflows/psm-process';
import { formatDateTime } from '../i18n/format';
import { resolveLocale } from '../i18n/locales';
import { translator } from '../i18n/translator';
import type { AffectedDeal, DealEffect } from './affected-deals';
import { isStructural, type DefinitionChange } from './diff-definitions';

export interface PreviewResult {
  base: string;
  next: string;
  /** Null: no running system was given (TEMPORAL_ADDRESS / DATABASE_URL). */
  dealsChecked: number | null;
  changes: { change: DefinitionChange; structural: boolean; deals: AffectedDeal[] }[];
}

/** Names of every keyed thing in the definitions, newest first. */
function namer(defs: readonly ProcessDefinition[], locale: string): (key: string) => string {
  const names = new Map<string, Bilingual>();
  for (const def of defs) {
    for (const m of def.milestones) {
      if (!names.has(m.key)) names.set(m.key, m.name);
      for (const entry of [...m.criteria, ...m.checklist, ...(m.approvalGate ? [m.approvalGate] : [])])
        if (!names.has(entry.key)) names.set(entry.key, entry.label);
    }
  }
  const zh = resolveLocale(locale) === 'zh-CN';
  return (key) => {
    const label = names.get(key);
    return label ? (zh ? label.zh : label.en) : key;
  };
}

export function renderPreview(
  result: PreviewResult,
  defs: readonly ProcessDefinition[],
  locale: string,
): string {
  const t = translator(locale, 'process-preview');
  const name = namer(defs, locale);
  const at = (iso: string) => formatDateTime(iso, locale);
  const days = (v: number | null) => (v === null ? t('off') : String(v));
  const lines = [t('title', { base: result.base, next: result.next })];
  if (result.changes.length === 0) lines.push(t('noChanges'));
  for (const { change, structural, deals } of result.changes) {
    lines.push('');
    lines.push(`• ${describeChange(change, t, name, days)}`);
    lines.push(`  ${structural ? t('structural') : t('numbers')}`);
    if (result.dealsChecked === null) continue;
    if (deals.length === 0) {
      lines.push(`  ${t('noDeals')}`);
      continue;
    }
    lines.push(`  ${t('deals', { count: deals.length })}`);
    for (const { deal, effect } of deals)
      lines.push(
        `    - ${describeEffect(effect, `${deal.name} [${deal.id}]`, name(deal.milestone), t, name, at)}`,
      );
  }
  lines.push('');
  lines.push(
    result.dealsChecked === null
      ? t('notConnected')
      : t('summary', { changes: result.changes.length, deals: result.dealsChecked }),
  );
  return lines.join('\n');
}

type T = ReturnType<typeof translator>;

function describeChange(
  c: DefinitionChange,
  t: T,
  name: (k: string) => string,
  days: (v: number | null) => string,
) {
  switch (c.kind) {
    case 'milestone_inserted':
    case 'milestone_removed':
      return t(`change.${c.kind}`, { milestone: name(c.milestone), position: c.index + 1 });
    case 'milestone_moved':
      return t('change.milestone_moved', { milestone: name(c.milestone), from: c.from + 1, to: c.to + 1 });
    case 'stall_sla_changed':
    case 'follow_up_changed':
      return t(`change.${c.kind}`, { milestone: name(c.milestone), from: days(c.from), to: days(c.to) });
    case 'criterion_added':
    case 'criterion_removed':
      return t(`change.${c.kind}`, { milestone: name(c.milestone), criterion: name(c.criterion) });
    case 'rule_changed':
      return t('change.rule_changed', { milestone: name(c.milestone), from: c.from, to: c.to });
    case 'gate_added':
    case 'gate_removed':
      return t(`change.${c.kind}`, { milestone: name(c.milestone), gate: name(c.gate) });
    case 'checklist_item_added':
    case 'checklist_item_removed':
      return t(`change.${c.kind}`, { milestone: name(c.milestone), item: name(c.item) });
    case 'number_changed':
      return t('change.number_changed', { setting: c.setting, from: c.from, to: c.to });
  }
}

function describeEffect(
  e: DealEffect,
  deal: string,
  milestone: string,
  t: T,
  name: (k: string) => string,
  at: (iso: string) => string,
) {
  switch (e.kind) {
    case 'due_moves': {
      const clock = t(`clock.${e.clock}`);
      if (e.to === null) return t('effect.due_off', { deal, milestone, clock, from: at(e.from) });
      const by = e.byDays > 0 ? `+${e.byDays}` : String(e.byDays);
      return t(e.overdue ? 'effect.due_moves_overdue' : 'effect.due_moves', {
        deal,
        milestone,
        clock,
        from: at(e.from),
        to: at(e.to),
        by,
      });
    }
    case 'due_moves_working_days':
      return t('effect.due_moves_working_days', {
        deal,
        milestone,
        clock: t(`clock.${e.clock}`),
        from: at(e.from),
        by: e.byWorkingDays > 0 ? `+${e.byWorkingDays}` : String(e.byWorkingDays),
      });
    case 'must_meet':
      return t(`effect.must_meet_${e.why}`, { deal, milestone, key: name(e.key), target: name(e.milestone) });
    case 'sits_in_moved':
      return t('effect.sits_in_moved', {
        deal,
        milestone: name(e.milestone),
        from: e.from + 1,
        to: e.to + 1,
      });
    case 'sits_in_removed':
      return t('effect.sits_in_removed', { deal, milestone: name(e.milestone) });
    case 'next_changes':
      return t('effect.next_changes', {
        deal,
        milestone,
        from: e.from === null ? '-' : name(e.from),
        to: e.to === null ? '-' : name(e.to),
      });
  }
}

/** The whole preview from two definitions and the running deals (null: no running system). */
export function buildPreview(
  base: { label: string; definition: ProcessDefinition },
  next: { label: string; definition: ProcessDefinition },
  changes: readonly DefinitionChange[],
  affected: readonly AffectedDeal[][] | null,
  dealsChecked: number | null,
): PreviewResult {
  return {
    base: base.label,
    next: next.label,
    dealsChecked,
    changes: changes.map((change, i) => ({
      change,
      structural: isStructural(change),
      deals: affected?.[i] ?? [],
    })),
  };
}
