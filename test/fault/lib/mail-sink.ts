// The SMTP receiver for fault scenarios: a real SMTP server on a fixed loopback port that can go
// down and come back (an outage), and can hold its final 250 (a slow or stuck relay) while
// something else fails. It keeps every message it accepted across restarts.
// test/mail/smtp-receiver.ts does not stop and restart on one port, nor hold its answer.
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  /** X-PSM-Notification-Key: which notification this is. */
  key: string;
  messageId: string;
  /** Set when the sender marked the message as possibly sent before (any such header). */
  flaggedDuplicate: boolean;
  receivedAt: number;
}

export interface MailSink {
  port: number;
  url: string;
  mails: SunkMail[];
  /** Messages whose data has arrived and whose 250 is being held. */
  held(): number;
  hold(): void;
  /** Runs when a sender starts a message (MAIL FROM), before the server answers it. */
  onMailFrom: ((senderPort: number) => Promise<void>) | undefined;
  release(): void;
  up(): Promise<void>;
  down(): Promise<void>;
}

function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return headers;
}

export async function startMailSink(port: number): Promise<MailSink> {
  const mails: SunkMail[] = [];
  let holding = false;
  let waiting: (() => void)[] = [];
  let server: SMTPServer | undefined;

  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onMailFrom(_address, session, callback) {
        const hook = sink.onMailFrom;
        if (!hook) return callback();
        hook(session.remotePort).then(
          () => callback(),
          () => callback(),
        );
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const headers = headersOf(Buffer.concat(chunks).toString('utf8'));
          const accept = () => {
            mails.push({
              key: headers.get('x-psm-notification-key') ?? headers.get('message-id') ?? '?',
              messageId: headers.get('message-id') ?? '',
              flaggedDuplicate: [...headers.keys()].some((h) => /duplicate|resent|resend/i.test(h)),
              receivedAt: Date.now(),
            });
            callback();
          };
          if (holding) waiting.push(accept);
          else accept();
        });
      },
    });

  const sink: MailSink = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    held: () => waiting.length,
    onMailFrom: undefined,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      const now = waiting;
      waiting = [];
      for (const accept of now) accept();
    },
    async up() {
      if (server) return;
      const s = create();
      s.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
    },
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      // close() waits for open sessions; an outage cuts them.
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const connection of (s as unknown as { connections: Set<{ close(): void }> }).connections ?? [])
        connection.close();
      await closed;
    },
  };
  await sink.up();
  return sink;
}
