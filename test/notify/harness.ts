// The IM delivery tests' harness: real PostgreSQL, a real SMTP receiver, the three local platform
// servers, and the email activity with the channel dispatch wired as the worker wires it.
import { createChannelDispatch, type ChannelDispatchOptions } from '../../activities/notify-channels';
import { createEmailActivities, type EmailActivities } from '../../activities/email';
import type { NotificationRequest, NotificationTemplate } from '../../src/contracts/activities';
import { createActionLinks, type ActionLinks } from '../../src/links';
import { createMailTransport, type MailSender } from '../../src/mail/transport';
import type { ChannelClients, ChannelKind } from '../../src/notify/channel';
import { createChannelClients } from '../../src/notify/platforms';
import { approvalFacts, createUser, dealFacts } from '../mail/fixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { imUser, startImServers, type ImServers } from './helpers';

export const FROM = 'PSM <psm@psm.example.test>';
export const BASE = 'https://psm.example.test';

export const ROBOT_OF: Partial<Record<ChannelKind, string>> = {
  wecom_robot: 'wecom-team',
  dingtalk_robot: 'ding-team',
  feishu_robot: 'feishu-team',
};

export interface ImHarness {
  db: TestDatabase;
  links: ActionLinks;
  receiver: SmtpReceiver;
  sender: MailSender;
  servers: ImServers;
  clients: ChannelClients;
  nextKey(what: string): string;
  uniq(): number;
  activitiesWith(overrides?: Partial<ChannelDispatchOptions>): EmailActivities;
  requestFor(recipientId: string, template: NotificationTemplate): Promise<NotificationRequest>;
  recipientOn(
    channel: ChannelKind,
    locale: 'zh_CN' | 'en',
  ): Promise<{ user: { id: string; name: string; email: string }; platformUserId: string }>;
}

/** Registers the before/after hooks of a describe block and returns its harness. */
export function useImHarness(): ImHarness {
  let seq = 0;
  const h = {
    nextKey: (what: string) => `opp-im:${what}:${++seq}:${Date.now()}`,
    uniq: () => ++seq,
    activitiesWith(overrides: Partial<ChannelDispatchOptions> = {}): EmailActivities {
      return createEmailActivities({
        prisma: h.db.prisma,
        sender: h.sender,
        from: FROM,
        publicBaseUrl: BASE,
        links: h.links,
        channels: createChannelDispatch({
          prisma: h.db.prisma,
          clients: h.clients,
          links: h.links,
          publicBaseUrl: BASE,
          ...overrides,
        }),
      });
    },
    async requestFor(recipientId: string, template: NotificationTemplate): Promise<NotificationRequest> {
      const rep = await createUser(h.db.prisma, { role: 'rep', name: 'Rep Zhang' });
      const approval = approvalFacts({
        requestedById: rep.id,
        approverId: recipientId,
        ...(template === 'decision_notice'
          ? { status: 'rejected' as const, decidedById: recipientId, comment: 'too early' }
          : {}),
      });
      return {
        key: h.nextKey(template),
        template,
        recipientUserId: recipientId,
        level: 1,
        deal: dealFacts({ ownerId: rep.id }),
        approval,
      };
    },
    async recipientOn(channel: ChannelKind, locale: 'zh_CN' | 'en') {
      const platformUserId = `${channel}-${++seq}`;
      const robot = ROBOT_OF[channel];
      let managerId: string | undefined;
      if (robot) {
        const manager = await createUser(h.db.prisma, { role: 'manager' });
        await h.db.prisma.teamRobot.create({ data: { managerId: manager.id, channel, robot } });
        managerId = manager.id;
      }
      const user = await imUser(h.db.prisma, h.servers, [{ channel, platformUserId }], { locale, managerId });
      return { user, platformUserId };
    },
  } as ImHarness;

  beforeAll(async () => {
    h.db = await createTestDatabase();
    h.links = createActionLinks({
      prisma: h.db.prisma,
      secret: 'im-test-secret'.padEnd(40, '!'),
      publicBaseUrl: BASE,
      ttlHours: 72,
    });
    h.receiver = await startSmtpReceiver();
    h.sender = createMailTransport({ smtpUrl: h.receiver.url, tlsRejectUnauthorized: true });
    h.servers = await startImServers();
    h.clients = createChannelClients(h.servers.config);
  });
  afterAll(async () => {
    h.sender.close();
    await h.receiver.stop();
    await h.servers.stop();
    await h.db.drop();
  });
  beforeEach(() => {
    h.receiver.messages.length = 0;
  });
  return h;
}
