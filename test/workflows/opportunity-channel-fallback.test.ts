// A notification the recipient's IM channels refused for good (unknown user, revoked app) and the
// email took over is journalled on the deal (issue 13), with the channel and its reason code;
// a notification with no channel failure journals nothing extra.
import { useHarness } from './helpers';
import { channelFallbackScenario, requestGate } from './scenarios';

const h = useHarness();

it('journals notification_channel_failed for a mail that IM channels refused first', async () => {
  const deal = await channelFallbackScenario(h);
  const events = h.fakes.projectedEventsFor(deal.id);
  const request = h.fakes.notificationsFor(deal.id).find((n) => n.template === 'approval_request')!;
  const failed = events.filter((e) => e.type === 'notification_channel_failed');
  expect(failed.map((e) => e.payload)).toEqual([
    {
      key: request.key,
      template: 'approval_request',
      recipientId: request.recipientUserId,
      failures: [{ channel: 'wecom_app', reason: 'app_revoked' }],
    },
  ]);
  const sent = events.find((e) => e.type === 'notification_sent' && e.payload.key === request.key)!;
  expect(failed[0]!.seq).toBeGreaterThan(sent.seq);
});

it('journals nothing extra for a notification no channel refused', async () => {
  const deal = await h.startDeal({ name: 'Huzhou grid', account: 'Huzhou Power' });
  await requestGate(deal);
  await new Promise((r) => setTimeout(r, 500));
  const types = h.fakes.projectedEventsFor(deal.id).map((e) => e.type);
  expect(types).toContain('notification_sent');
  expect(types).not.toContain('notification_channel_failed');
});
