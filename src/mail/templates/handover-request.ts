// To the FR (or the named delivery owner) when a deal is won: accept the handover documents. With
// nobody named yet it goes to the deal's owner, who names one. Strings: the `ltc` catalog.
import { translator } from '../../i18n';
import { PSM_PROCESS } from '../../../workflows/psm-process';
import type { TMailLocale } from '../locale';
import type { MailBody, MailContext } from './types';

export function documentNames(keys: readonly string[], locale: TMailLocale): string {
  const names = keys.map((key) => {
    const found = PSM_PROCESS.ltc.handover.documents.find((d) => d.key === key);
    if (!found) return key;
    return locale === 'zh-CN' ? found.label.zh : found.label.en;
  });
  return names.join(locale === 'zh-CN' ? '、' : ', '); // i18n-allow: list separator, not a sentence
}

export function handoverRequest(ctx: MailContext): MailBody {
  const t = translator(ctx.locale, 'ltc');
  const params = {
    name: ctx.deal.name,
    account: ctx.deal.account,
    documents: documentNames(ctx.handover?.documents ?? [], ctx.locale),
  };
  const paragraphs = [t('handoverRequest.body', params)];
  if (!ctx.handover?.acceptorId) paragraphs.push(t('handoverRequest.noAcceptor'));
  return {
    subject: t('handoverRequest.subject', params),
    heading: t('handoverRequest.heading'),
    paragraphs,
    showApproval: false,
  };
}
