// A won deal's handover has waited too long: level 1 to the acceptor's manager, level 2 to their
// director (the owner's line when nobody is named to accept). Strings: the `ltc` catalog.
import { translator } from '../../i18n';
import { documentNames } from './handover-request';
import type { MailBody, MailContext } from './types';

export function handoverEscalation(ctx: MailContext): MailBody {
  const t = translator(ctx.locale, 'ltc');
  const acceptorId = ctx.handover?.acceptorId ?? null;
  const params = {
    name: ctx.deal.name,
    account: ctx.deal.account,
    days: ctx.handover?.waitingDays ?? 0,
    acceptor: acceptorId === null ? t('handoverEscalation.nobody') : (ctx.people[acceptorId] ?? acceptorId),
    documents: documentNames(ctx.handover?.documents ?? [], ctx.locale),
  };
  return {
    subject: t('handoverEscalation.subject', params),
    heading: t('handoverEscalation.heading'),
    paragraphs: [t('handoverEscalation.body', params), t('handoverEscalation.ask')],
    showApproval: false,
  };
}
