// The sign-in, invitation and reset mails, in the recipient's language, through the same outbox
// as every other mail: rendered once into EmailMessage under an idempotency key (the link's id,
// so a retry never mints or mails a second link) and delivered by deliverStoredEmail.
import type { PrismaClient } from '../db/prisma';
import { translator } from '../i18n';
import { deliverStoredEmail } from '../mail/deliver-stored-email';
import { html, safeUrl } from '../mail/html';
import { messageIdFor } from '../mail/message-id';
import type { MailSender } from '../mail/transport';
import type { AuthLinkUser, IssuedAuthLink, TAuthLinkPurpose } from './auth-links';

export interface AuthMailer {
  prisma: PrismaClient;
  sender: MailSender;
  /** MAIL_FROM */
  from: string;
  /** Told about a delivery that failed for now (it stays in the outbox, retried a few times). */
  onError?: (err: unknown, key: string) => void;
}

export const authMailKey = (purpose: TAuthLinkPurpose, linkId: string): string => `auth:${purpose}:${linkId}`;

export function renderAuthMail(
  purpose: TAuthLinkPurpose,
  user: Pick<AuthLinkUser, 'name' | 'locale'>,
  link: Pick<IssuedAuthLink, 'url' | 'expiresAt'>,
  extra: { inviter?: string } = {},
): { subject: string; html: string; text: string } {
  const t = translator(user.locale, 'auth');
  const minutes = Math.max(1, Math.round((link.expiresAt.getTime() - Date.now()) / 60_000));
  const params = { minutes, hours: Math.max(1, Math.round(minutes / 60)), inviter: extra.inviter ?? 'PSM' };
  const subject = t(`mail.${purpose}.subject`);
  const greeting = t('mail.greeting', { name: user.name });
  const body = t(`mail.${purpose}.body`, params);
  const button = t(`mail.${purpose}.button`);
  const url = safeUrl(link.url);
  const lang = user.locale === 'en' ? 'en' : 'zh-CN';
  const rendered = html`<!doctype html>
    <html lang="${lang}">
      <body
        style="font-family: -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif; color: #1f2328; line-height: 1.5"
      >
        <p>${greeting}</p>
        <p>${body}</p>
        <p>
          <a
            href="${url}"
            style="display: inline-block; padding: 0.5rem 1.5rem; border-radius: 6px; background: #0969da; color: #fff; text-decoration: none"
            >${button}</a
          >
        </p>
        <p style="color: #57606a; font-size: 0.9em">${t('mail.linkFallback', { url })}</p>
        <p style="color: #57606a; font-size: 0.9em">${t('mail.ignore')}</p>
      </body>
    </html>`.value;
  const text = [greeting, '', body, '', `${button}: ${url}`, '', t('mail.ignore'), ''].join('\n');
  return { subject, html: rendered, text };
}

/** Stores the mail (once per link) and delivers it; returns when it is stored, delivery runs on. */
export async function sendAuthMail(
  mailer: AuthMailer,
  purpose: TAuthLinkPurpose,
  user: AuthLinkUser,
  link: IssuedAuthLink,
  extra: { inviter?: string } = {},
): Promise<{ key: string; delivered: Promise<void> }> {
  const key = authMailKey(purpose, link.id);
  const mail = renderAuthMail(purpose, user, link, extra);
  await mailer.prisma.emailMessage.createMany({
    data: [
      {
        idempotencyKey: key,
        template: `auth_${purpose}`,
        toAddress: user.email,
        toUserId: user.id,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        status: 'pending',
        transport: mailer.sender.kind,
        messageId: messageIdFor(key, mailer.from),
      },
    ],
    skipDuplicates: true,
  });
  return { key, delivered: deliverWithRetries(mailer, key) };
}

const RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

/**
 * A link mail is worth something for minutes: a few quick retries, in the background, then it
 * stays 'failed' in the outbox for an operator to see. Never throws.
 */
async function deliverWithRetries(mailer: AuthMailer, key: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const delivery = await deliverStoredEmail({
        prisma: mailer.prisma,
        sender: mailer.sender,
        from: mailer.from,
        key,
      });
      if (delivery.outcome !== 'failed' && delivery.outcome !== 'busy') return;
      if (attempt >= RETRY_DELAYS_MS.length) {
        mailer.onError?.(delivery.outcome === 'failed' ? delivery.error : new Error('busy'), key);
        return;
      }
    } catch (err) {
      if (attempt >= RETRY_DELAYS_MS.length) {
        mailer.onError?.(err, key);
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]).unref());
  }
}
