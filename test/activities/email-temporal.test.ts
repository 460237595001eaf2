// The email activity inside a real Temporal worker: Temporal's retries (not ours) carry a mail
// through an SMTP outage, and an unknown recipient fails at once instead of retrying.
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createEmailActivities } from '../../activities/email';
import { messageIdFor } from '../../src/mail/message-id';
import { createActionLinks } from '../../src/links';
import { createMailTransport } from '../../src/mail/transport';
import { dealFacts, createUser } from '../mail/fixtures';
import { freePort, startSmtpReceiver } from '../mail/smtp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { temporalAddress } from '../support/temporal';

const FROM = 'PSM <psm@psm.example.test>';

describe('email activity under a real Temporal worker', () => {
  let db: TestDatabase;
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: temporalAddress() });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  });
  afterAll(async () => {
    await connection.close();
    await nativeConnection.close();
    await db.drop();
  });

  it('retries through an SMTP outage and delivers exactly once when SMTP is back; NOT_FOUND is not retried', async () => {
    const smtpPort = await freePort();
    const sender = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
      tlsRejectUnauthorized: true,
    });
    const links = createActionLinks({
      prisma: db.prisma,
      secret: 'temporal-test-secret'.padEnd(40, '#'),
      publicBaseUrl: 'http://psm.test',
      ttlHours: 1,
    });
    const activities = createEmailActivities({
      prisma: db.prisma,
      sender,
      from: FROM,
      publicBaseUrl: 'http://psm.test',
      links,
    });
    const taskQueue = `email-${randomUUID()}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../mail/workflows/send-notification'),
      activities,
    });
    const client = new Client({ connection });
    const manager = await createUser(db.prisma, { locale: 'zh_CN' });
    const key = `opp-t:stall:${randomUUID()}:l1`;

    await worker.runUntil(async () => {
      const handle = await client.workflow.start('sendNotificationWorkflow', {
        taskQueue,
        workflowId: `email-${key}`,
        args: [
          { key, template: 'stall_escalation', recipientUserId: manager.id, level: 1, deal: dealFacts() },
        ],
      });
      // Wait until Temporal has retried at least twice against the dead SMTP port, and the second
      // attempt has failed (not still 'sending': started before the receiver, it could deliver).
      for (let i = 0; ; i++) {
        const row = await db.prisma.emailMessage.findUnique({ where: { idempotencyKey: key } });
        if (row && row.attempts >= 2 && row.status !== 'sending') break;
        if (i > 200) throw new Error('activity never attempted delivery');
        await new Promise((r) => setTimeout(r, 50));
      }
      const receiver = await startSmtpReceiver({ port: smtpPort });
      try {
        await handle.result();
        await new Promise((r) => setTimeout(r, 300));
        expect(receiver.messages).toHaveLength(1);
        expect(receiver.messages[0]!.headers.get('message-id')).toBe(messageIdFor(key, FROM));
        expect(receiver.messages[0]!.subject).toContain('【停滞升级·经理】');
        const row = await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
        expect(row.status).toBe('sent');
        expect(row.attempts).toBeGreaterThanOrEqual(3);

        // Same key in a second workflow run (e.g. a reset replays the escalation): still one mail.
        await client.workflow.execute('sendNotificationWorkflow', {
          taskQueue,
          workflowId: `email-${key}-again`,
          args: [
            { key, template: 'stall_escalation', recipientUserId: manager.id, level: 1, deal: dealFacts() },
          ],
        });
        await new Promise((r) => setTimeout(r, 300));
        expect(receiver.messages).toHaveLength(1);
      } finally {
        await receiver.stop();
      }

      const started = Date.now();
      const err = await client.workflow
        .execute('sendNotificationWorkflow', {
          taskQueue,
          workflowId: `email-missing-${randomUUID()}`,
          args: [
            {
              key: `missing:${randomUUID()}`,
              template: 'stall_escalation',
              recipientUserId: randomUUID(),
              deal: dealFacts(),
            },
          ],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const activityFailure = (err as WorkflowFailedError).cause;
      expect(activityFailure).toBeInstanceOf(ActivityFailure);
      expect((activityFailure as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
      expect((activityFailure as ActivityFailure).cause).toMatchObject({
        type: 'NOT_FOUND',
        nonRetryable: true,
      });
      // Not retried: with 50 attempts at up to 1 s apart it would take far longer.
      expect(Date.now() - started).toBeLessThan(5_000);
    });
    sender.close();
  });
});
