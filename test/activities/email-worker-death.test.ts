// A deal's mail under the product's activity options on a real Temporal server: a worker killed
// mid-send (SIGKILL, in its own process) is replaced by a healthy one within seconds, and a mail
// that can never go out is dead-lettered while the deal's next mail still goes.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createEmailActivities } from '../../activities/email';
import type { Activities, NotificationRequest } from '../../src/contracts/activities';
import { loadConfig } from '../../src/config';
import { createActionLinks, type ActionLinks } from '../../src/links';
import { messageIdFor } from '../../src/mail/message-id';
import { createMailTransport, type MailSender } from '../../src/mail/transport';
import { createWorker } from '../../src/temporal/worker';
import { createUser, dealFacts } from '../mail/fixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { temporalAddress } from '../support/temporal';
import { spawnWorker } from './support/spawn-worker';

const FROM = 'PSM <psm@psm.example.test>';
const SECRET = 'worker-death-test-secret'.padEnd(40, '#');
const WORKFLOWS = require.resolve('../mail/workflows/deal-outbox');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a deal’s mail when a worker dies', () => {
  let db: TestDatabase;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;
  let links: ActionLinks;
  let receiver: SmtpReceiver;
  let sender: MailSender;
  /** When set, the receiver holds its answer to the next message until releaseFirst(). */
  let holdNext = false;
  let releaseFirst: () => void = () => undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: temporalAddress() });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    client = new Client({ connection });
    links = createActionLinks({
      prisma: db.prisma,
      secret: SECRET,
      publicBaseUrl: 'http://psm.test',
      ttlHours: 1,
    });
    receiver = await startSmtpReceiver({
      beforeAccept: () => {
        if (!holdNext) return Promise.resolve();
        holdNext = false;
        return new Promise<void>((resolve) => (releaseFirst = resolve));
      },
    });
    sender = createMailTransport({ smtpUrl: receiver.url, tlsRejectUnauthorized: true });
  });
  afterAll(async () => {
    releaseFirst();
    sender.close();
    await receiver.stop();
    await connection.close();
    await nativeConnection.close();
    await db.drop();
  });

  async function inProcessWorker(taskQueue: string): Promise<Worker> {
    return createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      stickyTimeoutMs: loadConfig({}).temporal.stickyTimeoutMs,
      workflowsPath: WORKFLOWS,
      activities: createEmailActivities({
        prisma: db.prisma,
        sender,
        from: FROM,
        publicBaseUrl: 'http://psm.test',
        links,
      }) as unknown as Activities,
    });
  }

  async function mailsFor(opportunityId: string): Promise<NotificationRequest[]> {
    const manager = await createUser(db.prisma, { locale: 'en' });
    const deal = dealFacts({ opportunityId });
    return ['stall', 'follow-up'].map((what) => ({
      key: `${opportunityId}:${what}:${randomUUID()}`,
      template: what === 'stall' ? 'stall_escalation' : 'follow_up_reminder',
      recipientUserId: manager.id,
      level: 1,
      deal,
    }));
  }

  it('a worker killed while the server holds its 250: another worker delivers it, and the next mail, within 30 s', async () => {
    receiver.messages.length = 0;
    const taskQueue = `mail-death-${randomUUID()}`;
    const doomed = await spawnWorker({
      TEMPORAL_ADDRESS: temporalAddress(),
      TASK_QUEUE: taskQueue,
      WORKFLOWS_PATH: WORKFLOWS,
      DATABASE_URL: db.url,
      SMTP_URL: receiver.url,
      MAIL_FROM: FROM,
      LINK_SECRET: SECRET,
    });
    const [first, second] = await mailsFor(`opp-${randomUUID().slice(0, 8)}`);
    holdNext = true;
    try {
      const handle = await client.workflow.start('dealOutboxWorkflow', {
        taskQueue,
        workflowId: `outbox-${randomUUID()}`,
        args: [[first!, second!]],
      });
      await receiver.waitForMessages(1, 60_000);
      // The healthy worker is up before the other dies, as in a deployment of two.
      const healthy = await inProcessWorker(taskQueue);
      await healthy.runUntil(async () => {
        await doomed.kill();
        const killedAt = Date.now();
        releaseFirst();
        const deadline = killedAt + 60_000;
        while (receiver.messages.length < 3 && Date.now() < deadline) await sleep(100);
        const deliveredMs = Date.now() - killedAt;
        expect(receiver.messages.length).toBe(3);
        // Resent (the dead attempt's fate was unknown) with the same Message-ID, then the next one.
        expect(receiver.messages.map((m) => m.headers.get('message-id'))).toEqual([
          messageIdFor(first!.key, FROM),
          messageIdFor(first!.key, FROM),
          messageIdFor(second!.key, FROM),
        ]);
        expect(deliveredMs).toBeLessThan(30_000);
        expect(await handle.result()).toEqual(['sent', 'sent']);
        console.log(`worker death -> both mails delivered by the healthy worker in ${deliveredMs} ms`);
      });
      expect(
        await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: first!.key } }),
      ).toMatchObject({ status: 'sent', possiblyDuplicated: true });
    } finally {
      await doomed.kill();
    }
  });

  it('a poisoned mail is dead-lettered and the deal’s next mail is delivered', async () => {
    receiver.messages.length = 0;
    const taskQueue = `mail-poison-${randomUUID()}`;
    const [poisoned, next] = await mailsFor(`opp-${randomUUID().slice(0, 8)}`);
    poisoned!.deal = { ...poisoned!.deal, opportunityId: 'opp\u0000poison' };
    const worker = await inProcessWorker(taskQueue);
    await worker.runUntil(async () => {
      const started = Date.now();
      const outcomes = await client.workflow.execute('dealOutboxWorkflow', {
        taskQueue,
        workflowId: `outbox-${randomUUID()}`,
        args: [[poisoned!, next!]],
        workflowExecutionTimeout: '60 seconds',
      });
      expect(outcomes).toEqual(['failed:MAIL_UNDELIVERABLE', 'sent']);
      expect(Date.now() - started).toBeLessThan(20_000);
    });
    expect(receiver.messages.map((m) => m.headers.get('message-id'))).toEqual([
      messageIdFor(next!.key, FROM),
    ]);
    expect(
      await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: poisoned!.key } }),
    ).toMatchObject({ status: 'dead' });
  });
});
