// After a click: what the card should say now, from our outcome and the read model. Only the
// card's own recipient gets their card changed; a refusal that is about the clicker (not linked,
// someone else's card) changes no card.
import type { PrismaClient } from '../../db/prisma';
import type { TLocale } from '../../i18n/locales';
import { translator } from '../../i18n/translator';
import { decisionLine } from '../cards/approval-card';
import type { ChatClickOutcome } from './decide-from-chat';

/** The text that replaces the buttons, or undefined to leave the card alone. */
export async function cardStatusLine(
  prisma: PrismaClient,
  outcome: ChatClickOutcome,
): Promise<string | undefined> {
  if (outcome.kind === 'decided') {
    const decider = await prisma.user.findUnique({ where: { id: outcome.userId }, select: { name: true } });
    return decisionLine(outcome.locale, outcome.status, decider?.name);
  }
  const mine = outcome.link && outcome.userId === outcome.link.userId;
  if (!mine) return undefined;
  if (outcome.code === 'TOKEN_USED' || outcome.code === 'ALREADY_DECIDED') {
    const approval = await prisma.approval.findUnique({ where: { id: outcome.link!.subjectId } });
    if (approval && approval.status !== 'pending') {
      const decider = approval.decidedById
        ? await prisma.user.findUnique({ where: { id: approval.decidedById }, select: { name: true } })
        : null;
      return decisionLine(outcome.locale, approval.status, decider?.name);
    }
    return answerText(outcome.locale, outcome);
  }
  if (outcome.code === 'TOKEN_EXPIRED') return answerText(outcome.locale, outcome);
  return undefined;
}

/** The short answer shown to the clicker (Feishu toast, logs): in their language. */
export function answerText(locale: TLocale, outcome: ChatClickOutcome | undefined): string {
  const t = translator(locale, 'chat');
  if (!outcome) return t('answer.processing');
  if (outcome.kind === 'decided') return t(`answer.${outcome.status}`);
  const known = [
    'TOKEN_USED',
    'TOKEN_EXPIRED',
    'TOKEN_INVALID',
    'ALREADY_DECIDED',
    'FORBIDDEN',
    'NOT_APPROVER',
    'SELF_APPROVAL',
    'CHAT_USER_UNLINKED',
  ];
  return known.includes(outcome.code)
    ? t(`answer.${outcome.code}`)
    : t('answer.other', { code: outcome.code });
}
