// Labels shared by every template, per locale, from the `mail` catalog (src/i18n/locales/*/mail.json).
// Template-specific sentences are in the catalog under the template's name.
import type { ApprovalFacts } from '../../contracts/activities';
import { translator, type TFunction } from '../../i18n';
import type { TMailLocale } from '../locale';

export interface CommonStrings {
  greeting(name: string): string;
  deal: string;
  account: string;
  amount: string;
  stage: string;
  daysInStage: string;
  days(n: number): string;
  lastActivity: string;
  noActivity: string;
  missingCriteria: string;
  noneMissing: string;
  noSponsor: string;
  approval: string;
  approvalKind: Record<ApprovalFacts['kind'], string>;
  approvalStatus: Record<ApprovalFacts['status'], string>;
  milestone: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  approver: string;
  status: string;
  decidedBy: string;
  comment: string;
  unknownPerson: string;
  actions: { approve: string; reject: string; acknowledge: string };
  actionsHint: string;
  openDeal: string;
  footer: string;
}

const APPROVAL_KINDS: ApprovalFacts['kind'][] = ['milestone_gate', 'skip_milestone', 'discount'];
const APPROVAL_STATUSES: ApprovalFacts['status'][] = ['pending', 'approved', 'rejected', 'cancelled'];

const byKey = <K extends string>(keys: K[], label: (k: K) => string): Record<K, string> =>
  Object.fromEntries(keys.map((k) => [k, label(k)])) as Record<K, string>;

/** The mail catalog's t() for a locale. */
export const mailT = (locale: TMailLocale): TFunction => translator(locale, 'mail');

function commonStrings(locale: TMailLocale): CommonStrings {
  const t = mailT(locale);
  const c = (key: string) => t(`common.${key}`);
  return {
    greeting: (name) => t('common.greeting', { name }),
    deal: c('deal'),
    account: c('account'),
    amount: c('amount'),
    stage: c('stage'),
    daysInStage: c('daysInStage'),
    days: (count) => t('common.days', { count }),
    lastActivity: c('lastActivity'),
    noActivity: c('noActivity'),
    missingCriteria: c('missingCriteria'),
    noneMissing: c('noneMissing'),
    noSponsor: c('noSponsor'),
    approval: c('approval'),
    approvalKind: byKey(APPROVAL_KINDS, (k) => c(`approvalKind.${k}`)),
    approvalStatus: byKey(APPROVAL_STATUSES, (k) => c(`approvalStatus.${k}`)),
    milestone: c('milestone'),
    reason: c('reason'),
    requestedBy: c('requestedBy'),
    requestedAt: c('requestedAt'),
    approver: c('approver'),
    status: c('status'),
    decidedBy: c('decidedBy'),
    comment: c('comment'),
    unknownPerson: c('unknownPerson'),
    actions: byKey(['approve', 'reject', 'acknowledge'], (k) => c(`actions.${k}`)),
    actionsHint: c('actionsHint'),
    openDeal: c('openDeal'),
    footer: c('footer'),
  };
}

export const COMMON_STRINGS: Record<TMailLocale, CommonStrings> = {
  'zh-CN': commonStrings('zh-CN'),
  en: commonStrings('en'),
};
