// Where mail goes. With SMTP_URL: a real SMTP server through nodemailer. Without it: the
// EmailMessage table is the outbox, so "sending" is recording, and nothing leaves the machine.
import nodemailer from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Deterministic per idempotency key, so a resend after a crash is recognisable downstream. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface MailSender {
  /** Stored on each EmailMessage row: 'smtp' or 'outbox'. */
  readonly kind: 'smtp' | 'outbox';
  /** Resolves once the receiving server accepted the message; rejects otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface MailTransportOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465 (implicit TLS). */
  smtpUrl: string | undefined;
  /** false only for self-signed test/dev servers. */
  tlsRejectUnauthorized: boolean;
  /**
   * Bounds on one SMTP conversation. Together (plus the few seconds the "sent" mark may retry)
   * they stay under the email activity's start-to-close timeout (workflows/activity-options.ts).
   */
  timeoutsMs?: { connection?: number; greeting?: number; socket?: number };
}

export const DEFAULT_SMTP_TIMEOUTS_MS = { connection: 10_000, greeting: 10_000, socket: 20_000 } as const;

/**
 * A 5xx reply to the envelope or the message: sending it again gets the same answer, so the mail
 * is dead-lettered instead of retried. Authentication failures (535) are excluded: they are a
 * configuration problem, and the mail should go out once the credentials are fixed.
 */
export function isPermanentSmtpRejection(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && code !== 'EAUTH';
}

export function createMailTransport(options: MailTransportOptions): MailSender {
  if (!options.smtpUrl) return createOutboxSender();
  return createSmtpSender(options.smtpUrl, options);
}

export function createOutboxSender(): MailSender {
  return { kind: 'outbox', send: async () => undefined, close: () => undefined };
}

function createSmtpSender(smtpUrl: string, options: MailTransportOptions): MailSender {
  const timeouts = { ...DEFAULT_SMTP_TIMEOUTS_MS, ...options.timeoutsMs };
  // No pool: mail volume is low, and a fresh connection per message means an SMTP server that
  // comes back after an outage is used at the next retry without stale pooled sockets.
  // SMTPTransport directly: nodemailer.createTransport({ url, ... }) silently drops every option
  // besides the URL (tls, timeouts), whereas SMTPTransport merges the URL into the options.
  const transporter = nodemailer.createTransport(
    new SMTPTransport({
      url: smtpUrl,
      tls: { rejectUnauthorized: options.tlsRejectUnauthorized },
      connectionTimeout: timeouts.connection,
      greetingTimeout: timeouts.greeting,
      socketTimeout: timeouts.socket,
    }),
  );
  return {
    kind: 'smtp',
    async send(mail) {
      const info = await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
        headers: mail.headers,
      });
      // A server that accepts the envelope but rejects the only recipient did not deliver.
      if (info.accepted.length === 0)
        throw Object.assign(new Error(`SMTP server rejected ${mail.to}: ${String(info.response)}`), {
          responseCode: 550,
        });
    },
    close: () => transporter.close(),
  };
}
