// Delivery under failure, on a real PostgreSQL and a real SMTP receiver: the database dies while
// the receiver holds (or just after it gave) its 250, attempts overlap, a claim goes stale, and
// mail that can never go out is dead-lettered instead of blocking the deal's later mail.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Client } from 'pg';
import type { NotificationDelivery, NotificationRequest } from '../../src/contracts/activities';
import { createEmailActivities, type EmailActivities } from '../../activities/email';
import { createActionLinks, type ActionLinks } from '../../src/links';
import { messageIdFor } from '../../src/mail/message-id';
import { createMailTransport, type MailSender } from '../../src/mail/transport';
import { createUser, dealFacts } from '../mail/fixtures';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../mail/smtp-receiver';
import { clusterUrl, createTestDatabase, type TestDatabase } from '../support/database';

const FROM = 'PSM <psm@psm.example.test>';
const BASE = 'https://psm.example.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('email delivery under failure', () => {
  let db: TestDatabase;
  let dbName: string;
  let admin: Client;
  let links: ActionLinks;
  let seq = 0;
  /** What the receiver does between receiving a message and answering 250; per test. */
  let beforeAccept: ((mail: ReceivedMail) => Promise<void>) | undefined;
  let receiver: SmtpReceiver;
  let sender: MailSender;

  beforeAll(async () => {
    db = await createTestDatabase();
    dbName = new URL(db.url).pathname.slice(1);
    admin = new Client({ connectionString: clusterUrl() });
    await admin.connect();
    links = createActionLinks({
      prisma: db.prisma,
      secret: 'delivery-test-secret'.padEnd(40, '!'),
      publicBaseUrl: BASE,
      ttlHours: 72,
    });
    receiver = await startSmtpReceiver({ beforeAccept: (mail) => beforeAccept?.(mail) ?? Promise.resolve() });
    sender = createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: true });
  });
  afterAll(async () => {
    sender.close();
    await receiver.stop();
    await admin.end();
    await db.drop();
  });
  beforeEach(() => {
    receiver.messages.length = 0;
    beforeAccept = undefined;
  });

  const activitiesWith = (opts: Partial<Parameters<typeof createEmailActivities>[0]> = {}): EmailActivities =>
    createEmailActivities({ prisma: db.prisma, sender, from: FROM, publicBaseUrl: BASE, links, ...opts });

  async function request(extra: Partial<NotificationRequest> = {}): Promise<NotificationRequest> {
    const recipient = await createUser(db.prisma, { locale: 'en', name: 'Alice Manager' });
    return {
      key: `opp-delivery:stall:${++seq}`,
      template: 'stall_escalation',
      recipientUserId: recipient.id,
      level: 1,
      deal: dealFacts(),
      ...extra,
    };
  }

  /** Kills every connection to the test database; with `refuse`, new ones fail until allowed. */
  async function killDatabase(refuse: boolean): Promise<void> {
    if (refuse) await admin.query(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS false`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName],
    );
  }
  const reviveDatabase = () => admin.query(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS true`);

  /** As Temporal would: retry a retryable failure a few times, stop at a non-retryable one. */
  async function withRetries(
    activities: EmailActivities,
    req: NotificationRequest,
  ): Promise<NotificationDelivery> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await activities.sendNotification(req);
      } catch (err) {
        if ((err instanceof ApplicationFailure && err.nonRetryable) || attempt >= 4) throw err;
        await sleep(1_000);
      }
    }
  }

  /**
   * As Temporal runs the activity: each attempt in its own activity context with the email
   * activity's timeouts, carrying the previous attempt's last heartbeat details, retried with
   * exponential backoff (1 s, 2 s, 4 s ...; or the failure's nextRetryDelay) until it succeeds,
   * fails non-retryably, or runs out of attempts.
   */
  async function asTemporal(
    activities: EmailActivities,
    req: NotificationRequest,
    opts: { startToCloseMs?: number; maxAttempts?: number; heartbeatDetails?: unknown } = {},
  ): Promise<{ result?: NotificationDelivery; error?: unknown; attempts: number; heartbeat: unknown }> {
    let heartbeat: unknown = opts.heartbeatDetails;
    for (let attempt = 1; ; attempt++) {
      const env = new MockActivityEnvironment({
        attempt,
        heartbeatDetails: heartbeat,
        startToCloseTimeoutMs: opts.startToCloseMs ?? 60_000,
        heartbeatTimeoutMs: 10_000,
      });
      env.on('heartbeat', (details: unknown) => (heartbeat = details));
      try {
        return { result: await env.run(activities.sendNotification, req), attempts: attempt, heartbeat };
      } catch (error) {
        if (
          (error instanceof ApplicationFailure && error.nonRetryable) ||
          attempt >= (opts.maxAttempts ?? 10)
        )
          return { error, attempts: attempt, heartbeat };
        const backoff = 1_000 * 2 ** (attempt - 1);
        const delay = error instanceof ApplicationFailure ? Number(error.nextRetryDelay ?? backoff) : backoff;
        await sleep(Math.min(delay, 20_000));
      }
    }
  }

  const row = (key: string) => db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });

  it('the database connection dies just after the 250: the mail is marked sent, not sent again', async () => {
    const req = await request();
    beforeAccept = () => killDatabase(false);
    expect(await withRetries(activitiesWith(), req)).toEqual({ possiblyDuplicated: false });
    await sleep(300);
    expect(receiver.messages).toHaveLength(1);
    expect(await row(req.key)).toMatchObject({ status: 'sent', attempts: 1, possiblyDuplicated: false });
  });

  it('the database is down while the receiver holds its 250: the mark waits it out, one mail', async () => {
    const req = await request();
    let revived: Promise<unknown> = Promise.resolve();
    beforeAccept = async () => {
      await killDatabase(true);
      revived = sleep(2_000).then(reviveDatabase);
    };
    try {
      await withRetries(activitiesWith(), req);
    } finally {
      await revived;
      await reviveDatabase();
    }
    await sleep(300);
    expect(receiver.messages).toHaveLength(1);
    expect(await row(req.key)).toMatchObject({ status: 'sent', attempts: 1, possiblyDuplicated: false });
  });

  it('the database stays down past the mark window: a retry after the lease resends the same Message-ID, flagged', async () => {
    const activities = activitiesWith({ deliveryTiming: { leaseMs: 1_500, markRetryMs: 1_000 } });
    const req = await request();
    let revived: Promise<unknown> = Promise.resolve();
    beforeAccept = async () => {
      await killDatabase(true);
      revived = sleep(3_000).then(reviveDatabase);
    };
    try {
      const first = await activities.sendNotification(req).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(Error);
      expect(first).not.toMatchObject({ nonRetryable: true });
    } finally {
      await revived;
      await reviveDatabase();
    }
    beforeAccept = undefined;
    expect(await row(req.key)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await activities.sendNotification(req)).toEqual({ possiblyDuplicated: true });
    expect(receiver.messages).toHaveLength(2);
    const ids = receiver.messages.map((m) => m.headers.get('message-id'));
    expect(ids).toEqual([messageIdFor(req.key, FROM), messageIdFor(req.key, FROM)]);
    expect(await row(req.key)).toMatchObject({ status: 'sent', attempts: 2, possiblyDuplicated: true });
  });

  it('a 12 s database outage right after the 250 inside the activity: the mark outlasts it, one mail, no resend', async () => {
    const req = await request();
    let revived: Promise<unknown> = Promise.resolve();
    let crashedAt = 0;
    beforeAccept = async () => {
      // The server has the whole message; its 250 follows at once, into a dead database. Once.
      beforeAccept = undefined;
      await killDatabase(true);
      crashedAt = Date.now();
      revived = sleep(12_000).then(reviveDatabase);
    };
    let outcome: Awaited<ReturnType<typeof asTemporal>>;
    try {
      outcome = await asTemporal(activitiesWith(), req);
    } finally {
      await revived;
      await reviveDatabase();
    }
    await sleep(500);
    expect(receiver.messages).toHaveLength(1);
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ result: { possiblyDuplicated: false }, attempts: 1 });
    // The one attempt lived through the outage, heartbeating, and stayed inside its start-to-close.
    expect(Date.now() - crashedAt).toBeLessThan(55_000);
    expect(await row(req.key)).toMatchObject({ status: 'sent', attempts: 1, possiblyDuplicated: false });
  });

  it('a resend after a crash that lost the claim is still flagged, before it goes out: the attempt said so in its heartbeat', async () => {
    const activities = activitiesWith({ deliveryTiming: { leaseMs: 1_500, markRetryMs: 1_000 } });
    const req = await request();
    let revived: Promise<unknown> = Promise.resolve();
    beforeAccept = async () => {
      await killDatabase(true);
      revived = sleep(4_000).then(reviveDatabase);
    };
    // A short start-to-close: the mark gives up (after 2 s) while the database is still down.
    let first: Awaited<ReturnType<typeof asTemporal>>;
    try {
      first = await asTemporal(activities, req, { startToCloseMs: 7_000, maxAttempts: 1 });
    } finally {
      await revived;
      await reviveDatabase();
    }
    expect(first.error).toBeInstanceOf(Error);
    expect(first.error).not.toMatchObject({ nonRetryable: true });
    // The crash (synchronous_commit=off, immediate stop) lost the acknowledged claim: the row is as
    // it was before it, nothing in the database says a copy may be out.
    await db.prisma.emailMessage.update({
      where: { idempotencyKey: req.key },
      data: { status: 'pending', claimId: null, claimedAt: null, attempts: 0, possiblyDuplicated: false },
    });
    let flaggedBeforeResend: boolean | undefined;
    beforeAccept = async () => {
      flaggedBeforeResend = (await row(req.key)).possiblyDuplicated;
    };
    const second = await asTemporal(activities, req, { heartbeatDetails: first.heartbeat, maxAttempts: 3 });
    expect(second.error).toBeUndefined();
    expect(second.result).toEqual({ possiblyDuplicated: true });
    expect(flaggedBeforeResend).toBe(true);
    expect(receiver.messages).toHaveLength(2);
    expect(receiver.messages.map((m) => m.headers.get('message-id'))).toEqual([
      messageIdFor(req.key, FROM),
      messageIdFor(req.key, FROM),
    ]);
    expect(await row(req.key)).toMatchObject({ status: 'sent', possiblyDuplicated: true });
  });

  it("an SMTP refusal is not a possible delivery: the next attempt's send is not flagged", async () => {
    const refusing = await startSmtpReceiver({ rejectRecipients: true, rejectCode: 451 });
    const refusingSender = createMailTransport({ smtpUrl: refusing.url, tlsRejectUnauthorized: true });
    try {
      const req = await request();
      const first = await asTemporal(activitiesWith({ sender: refusingSender }), req, { maxAttempts: 1 });
      expect(first.error).toBeInstanceOf(Error);
      const second = await asTemporal(activitiesWith(), req, { heartbeatDetails: first.heartbeat });
      expect(second.result).toEqual({ possiblyDuplicated: false });
      expect(receiver.messages).toHaveLength(1);
    } finally {
      refusingSender.close();
      await refusing.stop();
    }
  });

  it('a concurrent attempt finds a live claim and fails retryably instead of sending a second copy', async () => {
    const activities = activitiesWith();
    const req = await request();
    let release!: () => void;
    beforeAccept = () => new Promise<void>((resolve) => (release = resolve));
    const first = activities.sendNotification(req);
    await receiver.waitForMessages(1);
    await expect(activities.sendNotification(req)).rejects.toMatchObject({
      type: 'CONFLICT',
      nonRetryable: false,
    });
    release();
    await first;
    await activities.sendNotification(req);
    await sleep(300);
    expect(receiver.messages).toHaveLength(1);
    expect(await row(req.key)).toMatchObject({ status: 'sent', attempts: 1, possiblyDuplicated: false });
  });

  it('a stale claim (its attempt died) is taken over: resent with the same Message-ID, flagged', async () => {
    const req = await request();
    const activities = activitiesWith({ deliveryTiming: { leaseMs: 1_000 } });
    // The first attempt stored and claimed the mail, then its worker died mid-conversation.
    let release!: () => void;
    beforeAccept = () => new Promise<void>((resolve) => (release = resolve));
    const dying = activitiesWith({
      sender: createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: true }),
    });
    void dying.sendNotification(req).catch(() => undefined);
    await receiver.waitForMessages(1);
    await db.prisma.emailMessage.update({
      where: { idempotencyKey: req.key },
      data: { claimedAt: new Date(Date.now() - 60_000), claimId: '00000000-0000-4000-8000-000000000000' },
    });
    beforeAccept = undefined;
    expect(await activities.sendNotification(req)).toEqual({ possiblyDuplicated: true });
    release();
    expect(receiver.messages).toHaveLength(2);
    expect(receiver.messages[1]!.headers.get('message-id')).toBe(messageIdFor(req.key, FROM));
    expect(await row(req.key)).toMatchObject({ status: 'sent', attempts: 2, possiblyDuplicated: true });
  });

  it('NUL in what is rendered is stripped and the mail still goes out', async () => {
    const req = await request({
      deal: dealFacts({ name: 'Smart\u0000Grid', account: 'Huadong\u0000Power' }),
    });
    await activitiesWith().sendNotification(req);
    const [mail] = await receiver.waitForMessages(1);
    expect(mail!.text).toContain('SmartGrid');
    expect(mail!.text).not.toContain('\u0000');
    expect(await row(req.key)).toMatchObject({ status: 'sent' });
  });

  it('a mail the database cannot store is dead-lettered non-retryably, and the deal’s next mail goes out', async () => {
    const activities = activitiesWith();
    const poisoned = await request({ deal: dealFacts({ opportunityId: 'opp\u0000bad' }) });
    const err = await activities.sendNotification(poisoned).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'MAIL_UNDELIVERABLE', nonRetryable: true });
    const dead = await row(poisoned.key);
    expect(dead).toMatchObject({ status: 'dead', opportunityId: 'oppbad' });
    expect(dead.lastError).toMatch(/cannot store/);
    // A retry of the same mail answers at once, from the dead letter.
    await expect(activities.sendNotification(poisoned)).rejects.toMatchObject({
      type: 'MAIL_UNDELIVERABLE',
      nonRetryable: true,
    });
    const next = await request({ deal: dealFacts({ opportunityId: 'oppbad' }) });
    await activities.sendNotification(next);
    await receiver.waitForMessages(1);
    expect(receiver.messages).toHaveLength(1);
  });

  it('a permanent SMTP rejection (5xx) is dead-lettered; a temporary one (4xx) stays retryable', async () => {
    for (const [code, status, nonRetryable] of [
      [550, 'dead', true],
      [451, 'failed', false],
    ] as const) {
      const refusing = await startSmtpReceiver({ rejectRecipients: true, rejectCode: code });
      const refusingSender = createMailTransport({ smtpUrl: refusing.url, tlsRejectUnauthorized: true });
      try {
        const req = await request();
        const err = await activitiesWith({ sender: refusingSender })
          .sendNotification(req)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect(Boolean((err as { nonRetryable?: boolean }).nonRetryable)).toBe(nonRetryable);
        if (nonRetryable) expect(err).toMatchObject({ type: 'MAIL_UNDELIVERABLE' });
        const stored = await row(req.key);
        expect(stored).toMatchObject({ status, attempts: 1 });
        expect(stored.lastError).toContain(String(code));
      } finally {
        refusingSender.close();
        await refusing.stop();
      }
    }
  });
});
