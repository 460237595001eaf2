// The closing summary of a won or lost deal, to its team, owner and the owner's manager:
// timeline with plan against actual, the lost reason and competitor, lessons. Strings: `ltc`.
import { translator } from '../../i18n';
import { milestoneName } from '../milestones';
import type { MailBody, MailContext } from './types';

export function closingSummary(ctx: MailContext): MailBody {
  const t = translator(ctx.locale, 'ltc');
  const summary = ctx.closing;
  const outcome = t(`closingSummary.outcome.${summary?.outcome ?? 'won'}`);
  const base = { name: ctx.deal.name, account: ctx.deal.account, outcome };
  if (!summary) {
    return {
      subject: t('closingSummary.subject', base),
      heading: t('closingSummary.heading'),
      paragraphs: [t('closingSummary.noLessons')],
      showApproval: false,
    };
  }
  const paragraphs = [
    t('closingSummary.intro', {
      ...base,
      closedAt: summary.closedAt.slice(0, 10),
      days: summary.durationDays,
    }),
    t('closingSummary.timelineTitle'),
    ...summary.timeline.map((row) =>
      t('closingSummary.timelineRow', {
        milestone:
          milestoneName(row.milestone, ctx.locale) + (row.skipped ? t('closingSummary.skipped') : ''),
        planned: row.plannedDate ?? t('closingSummary.notPlanned'),
        actual: row.actualDate ?? t('closingSummary.notReached'),
        slip: row.slippageDays === null ? '-' : t('closingSummary.slipDays', { count: row.slippageDays }),
      }),
    ),
  ];
  if (summary.decisionDate.planned !== null) {
    paragraphs.push(t('closingSummary.decisionDate', summary.decisionDate));
  }
  if (summary.outcome === 'lost' && summary.lostReason !== null) {
    paragraphs.push(t('closingSummary.lostReason', { reason: summary.lostReason }));
  }
  if (summary.competitor !== null)
    paragraphs.push(t('closingSummary.competitor', { competitor: summary.competitor }));
  if (summary.competitors.length > 0) {
    paragraphs.push(t('closingSummary.competitors', { competitors: summary.competitors.join(', ') }));
  }
  paragraphs.push(
    summary.lessons === null
      ? t('closingSummary.noLessons')
      : t('closingSummary.lessons', { lessons: summary.lessons }),
  );
  return {
    subject: t('closingSummary.subject', base),
    heading: t('closingSummary.heading'),
    paragraphs,
    showApproval: false,
  };
}
