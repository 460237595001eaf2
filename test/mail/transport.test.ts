import { createMailTransport, type OutgoingMail } from '../../src/mail/transport';
import { freePort, startSmtpReceiver } from './smtp-receiver';

const mail: OutgoingMail = {
  from: 'PSM <psm@psm.example.test>',
  to: 'manager@example.test',
  subject: '【停滞升级·经理】深度接触 – stalled',
  html: '<p>商机 &amp; deal</p>',
  text: '商机 & deal',
  messageId: '<psm.abc123@psm.example.test>',
  headers: { 'Auto-Submitted': 'auto-generated' },
};

describe('mail transport', () => {
  it('without SMTP_URL is the outbox: sending never touches the network', async () => {
    const sender = createMailTransport({ smtpUrl: undefined, tlsRejectUnauthorized: true });
    expect(sender.kind).toBe('outbox');
    await expect(sender.send(mail)).resolves.toBeUndefined();
    sender.close();
  });

  it('smtp:// delivers over real SMTP with our Message-ID, subject and both parts', async () => {
    const receiver = await startSmtpReceiver();
    const sender = createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: true });
    try {
      expect(sender.kind).toBe('smtp');
      await sender.send(mail);
      const [received] = await receiver.waitForMessages(1);
      expect(received!.envelopeTo).toEqual(['manager@example.test']);
      expect(received!.envelopeFrom).toBe('psm@psm.example.test');
      expect(received!.headers.get('message-id')).toBe('<psm.abc123@psm.example.test>');
      expect(received!.headers.get('auto-submitted')).toBe('auto-generated');
      expect(received!.subject).toBe(mail.subject);
      expect(received!.text.trim()).toBe(mail.text);
      expect(received!.html.trim()).toBe(mail.html);
    } finally {
      sender.close();
      await receiver.stop();
    }
  });

  it('smtps:// uses TLS and honours tlsRejectUnauthorized for a self-signed server', async () => {
    const receiver = await startSmtpReceiver({ secure: true });
    const strict = createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: true });
    const lax = createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: false });
    try {
      await expect(strict.send(mail)).rejects.toThrow(/certificate/i);
      expect(receiver.messages).toHaveLength(0);
      await lax.send(mail);
      await receiver.waitForMessages(1);
      expect(receiver.messages[0]!.subject).toBe(mail.subject);
    } finally {
      strict.close();
      lax.close();
      await receiver.stop();
    }
  });

  it('rejects when nothing listens, and when the server refuses the recipient', async () => {
    const port = await freePort();
    const down = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, tlsRejectUnauthorized: true });
    await expect(down.send(mail)).rejects.toThrow(/ECONNREFUSED/);
    down.close();

    const receiver = await startSmtpReceiver({ rejectRecipients: true });
    const refused = createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: true });
    try {
      await expect(refused.send(mail)).rejects.toThrow(/550|mailbox unavailable/);
      expect(receiver.messages).toHaveLength(0);
    } finally {
      refused.close();
      await receiver.stop();
    }
  });
});
