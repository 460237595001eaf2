// A mail the email activity resent after an attempt that may already have delivered it (same
// Message-ID) is journalled in the deal's history, so whoever reads the deal sees it; mail
// delivered once journals nothing extra.
import { useHarness } from './helpers';
import { possiblyDuplicatedMailScenario, requestGate } from './scenarios';

const h = useHarness();

it('journals notification_possibly_duplicated for a mail reported possibly duplicated', async () => {
  const deal = await possiblyDuplicatedMailScenario(h);
  const events = h.fakes.projectedEventsFor(deal.id);
  const request = h.fakes.notificationsFor(deal.id).find((n) => n.template === 'approval_request')!;
  const flagged = events.filter((e) => e.type === 'notification_possibly_duplicated');
  expect(flagged.map((e) => e.payload)).toEqual([
    { key: request.key, template: 'approval_request', recipientId: request.recipientUserId },
  ]);
  // After the mail's own notification_sent, so the history reads "sent, possibly twice".
  const sent = events.find((e) => e.type === 'notification_sent' && e.payload.key === request.key)!;
  expect(flagged[0]!.seq).toBeGreaterThan(sent.seq);
});

it('journals nothing extra for mail delivered once', async () => {
  const deal = await h.startDeal({ name: 'Wuxi grid', account: 'Wuxi Power' });
  await requestGate(deal);
  await new Promise((r) => setTimeout(r, 500));
  const types = h.fakes.projectedEventsFor(deal.id).map((e) => e.type);
  expect(types).toContain('notification_sent');
  expect(types).not.toContain('notification_possibly_duplicated');
});
