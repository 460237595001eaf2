// sendNotification over IM channels, against real PostgreSQL, a real SMTP receiver and the local
// WeCom / DingTalk / Feishu servers: one post per notification however often the activity retries
// (also after an attempt died mid-send), bursts merged within the platforms' budgets, and email
// when every channel refuses for good.
import { ApplicationFailure } from '@temporalio/common';
import { parseImConfig } from '../../src/config/im';
import type { ChannelClients } from '../../src/notify/channel';
import { createChannelClients } from '../../src/notify/platforms';
import { createUser } from '../mail/fixtures';
import { deliveredOn, imUser, sendWithRetries } from './helpers';
import { useImHarness } from './harness';

describe('IM delivery', () => {
  const h = useImHarness();

  it('never posts twice: a repeated call and five concurrent calls with one key post once', async () => {
    const activities = h.activitiesWith();
    const { user } = await h.recipientOn('wecom_app', 'zh_CN');
    const req = await h.requestFor(user.id, 'stall_escalation');
    const before = deliveredOn(h.servers, 'wecom_app').length;
    await activities.sendNotification(req);
    await activities.sendNotification(req);
    const again = { ...req, key: h.nextKey('concurrent') };
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => sendWithRetries((r) => activities.sendNotification(r), again)),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(deliveredOn(h.servers, 'wecom_app').length - before).toBe(2);
    expect(
      await h.db.prisma.channelPost.count({
        where: {
          recipient: `user:${(await h.db.prisma.userChannel.findFirstOrThrow({ where: { userId: user.id } })).platformUserId}`,
        },
      }),
    ).toBe(2);
    expect(h.receiver.messages).toHaveLength(0);
  });

  it('an attempt that died after the platform took the post: the next one waits out its lease, resends flagged, and the platform delivers it once', async () => {
    const { user } = await h.recipientOn('feishu_app', 'en');
    const req = await h.requestFor(user.id, 'follow_up_reminder');
    let kill = true;
    const dying: ChannelClients = {
      ...h.clients,
      feishu_app: {
        channel: 'feishu_app',
        async send(message) {
          const result = await h.clients.feishu_app!.send(message);
          if (kill) throw new Error('worker killed after the platform answered');
          return result;
        },
      },
    };
    const first = h.activitiesWith({ clients: dying, leaseMs: 5_000 });
    await expect(first.sendNotification(req)).rejects.toThrow('worker killed');
    kill = false;
    const before = h.servers.feishu.delivered.length;
    // Within the dead attempt's lease the retry does not send (it might still be alive).
    const retried: string[] = [];
    const delivery = await sendWithRetries((r) => first.sendNotification(r), req, {
      onRetry: (e) => retried.push(e.type ?? ''),
    });
    expect(retried[0]).toBe('RATE_LIMITED');
    expect(delivery.possiblyDuplicated).toBe(true);
    // Feishu's uuid (the post id) made the platform drop the resend: one message in all.
    expect(h.servers.feishu.delivered.length - before).toBe(0);
    expect(
      h.servers.feishu.delivered.filter((d) => JSON.stringify(d.content).includes(req.deal.opportunityId)),
    ).toHaveLength(1);
    const post = await h.db.prisma.channelPost.findFirstOrThrow({
      where: { recipient: { startsWith: 'user:feishu_app' }, possiblyDuplicated: true },
    });
    expect(post).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('merges a burst for one member into digest posts within the budget: nothing dropped, nothing lost', async () => {
    const budget = { ms: 2_000, max: 3 };
    const activities = h.activitiesWith({ budgets: { wecom_app: [budget] } });
    const { user, platformUserId } = await h.recipientOn('wecom_app', 'zh_CN');
    const requests = await Promise.all(
      Array.from({ length: 40 }, () => h.requestFor(user.id, 'follow_up_reminder')),
    );
    const results = await Promise.all(
      requests.map((req) => sendWithRetries((r) => activities.sendNotification(r), req)),
    );
    expect(results).toHaveLength(40);
    const posts = await h.db.prisma.channelPost.findMany({
      where: { recipient: `user:${platformUserId}` },
      orderBy: { createdAt: 'asc' },
    });
    expect(posts.every((p) => p.status === 'sent')).toBe(true);
    expect(posts.reduce((n, p) => n + p.deliveries, 0)).toBe(40);
    expect(posts.some((p) => p.deliveries > 1)).toBe(true);
    expect(posts.length).toBeLessThan(40);
    for (const p of posts) {
      const inWindow = posts.filter(
        (q) => q.createdAt >= p.createdAt && q.createdAt.getTime() < p.createdAt.getTime() + budget.ms,
      );
      expect(inWindow.length).toBeLessThanOrEqual(budget.max);
    }
    const got = h.servers.wecom.delivered
      .filter((d) => d.to === platformUserId)
      .map((d) => JSON.stringify(d.body));
    expect(got).toHaveLength(posts.length);
    expect(h.servers.wecom.dropped.filter((d) => d.to === platformUserId)).toHaveLength(0);
    // Every deal's link reached the member, in one post or another.
    for (const req of requests) expect(got.some((t) => t.includes(req.deal.opportunityId))).toBe(true);
    expect(got.some((t) => t.includes('条新通知'))).toBe(true);
    expect(h.receiver.messages).toHaveLength(0);
  });

  it("keeps to WeCom's 30 a minute per member and DingTalk robots' 20 a minute: the next one waits about a minute", async () => {
    const activities = h.activitiesWith();
    const { user, platformUserId } = await h.recipientOn('wecom_app', 'zh_CN');
    const started = Date.now();
    for (let n = 0; n < 30; n++)
      await activities.sendNotification(await h.requestFor(user.id, 'follow_up_reminder'));
    const waiting = await activities
      .sendNotification(await h.requestFor(user.id, 'follow_up_reminder'))
      .catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(ApplicationFailure);
    expect((waiting as ApplicationFailure).type).toBe('RATE_LIMITED');
    expect((waiting as ApplicationFailure).nonRetryable).toBe(false);
    // Until the first of the 30 is a minute old (however long the 30 took on a busy machine).
    const delay = Number((waiting as ApplicationFailure).nextRetryDelay);
    expect(delay).toBeGreaterThan(60_000 - (Date.now() - started) - 2_000);
    expect(delay).toBeLessThanOrEqual(61_000);
    expect(h.servers.wecom.delivered.filter((d) => d.to === platformUserId)).toHaveLength(30);
    expect(h.servers.wecom.dropped).toHaveLength(0);

    // A fresh robot: the templates test used ding-team's minute.
    const robotManager = await createUser(h.db.prisma, { role: 'manager' });
    h.servers.dingtalk.addRobot({
      accessToken: 'ding-robot-token-0002',
      secret: 'SECding-robot-secret-0002',
    });
    const robots = { ...h.servers.config.robots };
    const burstRobot = parseImConfig({
      DINGTALK_API_BASE_URL: h.servers.dingtalk.baseUrl,
      IM_ROBOTS: JSON.stringify({
        'ding-burst': {
          channel: 'dingtalk_robot',
          accessToken: 'ding-robot-token-0002',
          secret: 'SECding-robot-secret-0002',
        },
      }),
    }).robots;
    const withBurst = createChannelClients({ ...h.servers.config, robots: { ...robots, ...burstRobot } });
    const robotActivities = h.activitiesWith({ clients: withBurst });
    await h.db.prisma.teamRobot.create({
      data: { managerId: robotManager.id, channel: 'dingtalk_robot', robot: 'ding-burst' },
    });
    for (let n = 0; n < 21; n++) {
      const member = await imUser(
        h.db.prisma,
        h.servers,
        [{ channel: 'dingtalk_robot', platformUserId: `ding-member-${n}` }],
        { managerId: robotManager.id },
      );
      const attempt = robotActivities.sendNotification(await h.requestFor(member.id, 'stall_escalation'));
      if (n < 20) await attempt;
      else {
        const refused = await attempt.catch((e: unknown) => e);
        expect((refused as ApplicationFailure).type).toBe('RATE_LIMITED');
      }
    }
    expect(h.servers.dingtalk.delivered.filter((d) => d.to === 'ding-robot-token-0002')).toHaveLength(20);
    // DingTalk itself never had to refuse one.
    expect(
      h.servers.dingtalk.received.filter((r) => r.query.access_token === 'ding-robot-token-0002'),
    ).toHaveLength(20);
  });

  it('falls back to email when every channel refuses for good, records why on the deal, and never goes back', async () => {
    const activities = h.activitiesWith();
    const user = await imUser(h.db.prisma, h.servers, [
      { channel: 'wecom_app', platformUserId: 'left-the-company', known: false },
      { channel: 'feishu_app', platformUserId: 'ou_left', known: false },
    ]);
    const req = await h.requestFor(user.id, 'stall_escalation');
    await activities.sendNotification(req);
    const [mail] = await h.receiver.waitForMessages(1);
    expect(mail!.envelopeTo).toEqual([user.email]);
    const rows = await h.db.prisma.channelDelivery.findMany({
      where: { idempotencyKey: req.key },
      orderBy: { channel: 'asc' },
    });
    expect(rows.map((r) => [r.channel, r.status, r.failureCode, r.opportunityId])).toEqual([
      ['wecom_app', 'dead', 'unknown_recipient', req.deal.opportunityId],
      ['feishu_app', 'dead', 'unknown_recipient', req.deal.opportunityId],
    ]);
    const posts = await h.db.prisma.channelPost.count();
    await activities.sendNotification(req);
    expect(await h.db.prisma.channelPost.count()).toBe(posts);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.receiver.messages).toHaveLength(1);
  });

  it('a permanent refusal moves on to the next channel; a transient one retries the same channel and sends no mail', async () => {
    const activities = h.activitiesWith();
    const next = `ou_next_${h.uniq()}`;
    const user = await imUser(h.db.prisma, h.servers, [
      { channel: 'dingtalk_app', platformUserId: 'ghost', known: false },
      { channel: 'feishu_app', platformUserId: next },
    ]);
    const req = await h.requestFor(user.id, 'follow_up_reminder');
    await activities.sendNotification(req);
    expect(h.servers.feishu.delivered.filter((d) => d.to === next)).toHaveLength(1);

    const down = createChannelClients({
      ...h.servers.config,
      wecom: { ...h.servers.config.wecom!, baseUrl: 'http://127.0.0.1:9', secret: 'x' },
    });
    const unreachable = h.activitiesWith({ clients: down });
    const other = await imUser(h.db.prisma, h.servers, [
      { channel: 'wecom_app', platformUserId: 'member-offline' },
      { channel: 'feishu_app', platformUserId: 'ou_should_not_get_it' },
    ]);
    const req2 = await h.requestFor(other.id, 'follow_up_reminder');
    const failure = await unreachable.sendNotification(req2).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect(h.servers.feishu.delivered.filter((d) => d.to === 'ou_should_not_get_it')).toHaveLength(0);
    expect(
      await h.db.prisma.channelDelivery.findFirst({ where: { idempotencyKey: req2.key } }),
    ).toMatchObject({
      status: 'queued',
    });
    // Back online: the same notification goes out once, on the same channel.
    await h.activitiesWith().sendNotification(req2);
    expect(h.servers.wecom.delivered.filter((d) => d.to === 'member-offline')).toHaveLength(1);
    expect(h.receiver.messages).toHaveLength(0);
  });
});
