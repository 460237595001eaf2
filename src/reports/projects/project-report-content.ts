// The weekly project report's words, in the recipient's language (catalog `project-report`),
// shaped like the weekly report's content so the same renderer makes its HTML and text parts.
import { translator } from '../../i18n';
import { formatAmount, type TMailLocale } from '../../mail/locale';
import { milestoneNameInAnyVersion } from '../../../workflows/process-versions';
import { localDay } from '../report-period';
import type { ContentBlock, WeeklyReportContent } from '../weekly/weekly-report-content';
import type { ProjectReportData } from './compose-project-report';

const text = (t: string): ContentBlock => ({ kind: 'text', text: t });

/** A milestone's (or the execution step's) name by key, in whichever process version has it. */
function milestoneName(key: string, locale: TMailLocale): string {
  const found = milestoneNameInAnyVersion(key);
  if (found) return locale === 'en' ? found.en : found.zh;
  return key;
}

export function projectReportContent(
  data: ProjectReportData,
  recipient: { name: string; locale: TMailLocale },
): WeeklyReportContent {
  const { locale } = recipient;
  const t = translator(locale, 'project-report');
  const m = (key: string) => milestoneName(key, locale);
  const dayOf = (iso: string) => localDay(new Date(iso));
  const lastDay = localDay(new Date(Date.parse(data.to) - 1));
  const signed = (n: number | null) => (n === null ? '' : n > 0 ? `+${n}` : String(n));
  const nameOf = (id: string) => data.team.find((p) => p.userId === id)?.name ?? id;

  const risks: ContentBlock[] = [
    ...data.risksOpened.map((r) =>
      text(t('risks.opened', { risk: r.risk, owner: nameOf(r.ownerId), mitigation: r.mitigation })),
    ),
    ...data.risksClosed.map((r) => text(t('risks.closed', { risk: r.risk }))),
  ];
  if (risks.length === 0) risks.push(text(t('risks.none')));
  if (data.openRisks.length > 0) risks.push(text(t('risks.open', { count: data.openRisks.length })));

  const next: ContentBlock[] = data.nextSteps.map((s) =>
    text(
      t(s.overdue ? 'next.overdue' : 'next.milestone', { milestone: m(s.milestone), date: s.plannedDate }),
    ),
  );
  if (next.length === 0) next.push(text(t('next.none')));
  if (data.decisionDate) next.push(text(t('next.decision', { date: data.decisionDate })));

  return {
    locale,
    subject: t('subject', { name: data.name, week: data.isoWeek }),
    heading: t('heading', { name: data.name }),
    greeting: t('greeting', { name: recipient.name }),
    intro: t('intro', {
      account: data.account,
      from: dayOf(data.from),
      to: lastDay,
      amount: formatAmount(data.amount, data.currency, locale),
      milestone: m(data.milestone),
    }),
    sections: [
      {
        title: t('milestones.title'),
        blocks:
          data.reached.length === 0
            ? [text(t('milestones.none'))]
            : data.reached.map((r) =>
                text(
                  t(r.skipped ? 'milestones.skipped' : 'milestones.reached', {
                    milestone: m(r.milestone),
                    date: dayOf(r.reachedAt),
                  }),
                ),
              ),
      },
      {
        title: t('activities.title'),
        blocks:
          data.activities.length === 0
            ? [text(t('activities.none'))]
            : [
                {
                  kind: 'table',
                  table: {
                    headers: ['date', 'kind', 'by', 'note'].map((h) => t(`activities.headers.${h}`)),
                    rows: data.activities.map((a) => [
                      dayOf(a.occurredAt),
                      t(`activities.kind.${a.kind}`),
                      a.actorName,
                      a.note,
                    ]),
                    numeric: [],
                  },
                },
              ],
      },
      { title: t('risks.title'), blocks: risks },
      {
        title: t('slippage.title'),
        blocks: [
          {
            kind: 'table',
            table: {
              headers: ['milestone', 'planned', 'actual', 'days', 'status'].map((h) =>
                t(`slippage.headers.${h}`),
              ),
              rows: data.slippage.map((s) => [
                m(s.milestone),
                s.plannedDate,
                s.actualDate ?? '',
                signed(s.slippageDays),
                t(`slippage.status.${s.status}`),
              ]),
              numeric: [3],
            },
          },
        ],
      },
      { title: t('next.title'), blocks: next },
      {
        title: t('team.title'),
        blocks: data.team.map((p) => text(t('team.member', { role: p.role, name: p.name }))),
      },
    ],
    footer: t('footer'),
  };
}
