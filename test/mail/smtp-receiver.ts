// A real SMTP server on 127.0.0.1 for tests: nodemailer talks real SMTP to it.
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime';

export interface ReceivedMail extends ParsedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  url: string;
  messages: ReceivedMail[];
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface SmtpReceiverOptions {
  port?: number;
  /** Implicit TLS (smtps://) with smtp-server's built-in self-signed certificate. */
  secure?: boolean;
  /** Refuse every recipient, as a server with a full mailbox would. */
  rejectRecipients?: boolean;
  /** Reply code for refused recipients: 550 (permanent, the default) or e.g. 451 (try again later). */
  rejectCode?: number;
  /**
   * Runs once a message is fully received (and counted) and before the server answers 250: a test
   * can kill the database or the sender while the receiver holds its answer.
   */
  beforeAccept?: (mail: ReceivedMail) => Promise<void>;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: options.secure ?? false,
    authOptional: true,
    disabledCommands: options.secure ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients) {
        const err = new Error('mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = options.rejectCode ?? 550;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          ...parseMail(raw),
          raw,
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
        };
        messages.push(mail);
        if (!options.beforeAccept) return callback();
        options.beforeAccept(mail).then(
          () => callback(),
          (err: unknown) => callback(err as Error),
        );
      });
    },
  });
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Clients that give up mid-handshake (the TLS tests do on purpose) surface here; an unheard
  // 'error' event would crash the test process.
  server.on('error', () => undefined);
  return {
    port,
    url: `${options.secure ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    messages,
    async waitForMessages(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
