// GET /api/outbox shows mail to people in the caller's line. A mail's action links act as its
// recipient, so only the recipient reads them intact: a director or an admin reading the same
// mail must not be able to approve as the manager.
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const TOKEN_IN_LINK = /\/email-actions\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g;
const tokensIn = (s: string) => [...s.matchAll(TOKEN_IN_LINK)].map((m) => m[1]!);

it("shows live links only to the mail's recipient; director and admin get them redacted", async () => {
  const created = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
    name: 'Outbox deal',
    account: 'Outbox Co',
    amount: 5000,
  });
  const id = created.body.id as string;
  const asked = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Please approve',
  });
  expect(asked.status).toBe(200);
  const stored = await waitUntil(() =>
    app.db.prisma.emailMessage.findFirst({ where: { opportunityId: id, template: 'approval_request' } }),
  );
  const liveTokens = tokensIn(stored.text);
  expect(liveTokens).toHaveLength(2);

  const outboxOf = async (user: (typeof app.org)['admin']) => {
    const res = await app.api(user, 'GET', `/api/outbox?opportunityId=${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    const mail = (res.body.emails as { id: string; text: string; html: string }[]).find(
      (m) => m.id === stored.id,
    );
    expect(mail).toBeDefined();
    return mail!;
  };

  // The recipient: the mail as sent, links that work.
  const own = await outboxOf(app.org.managerA);
  expect(own.text).toBe(stored.text);
  expect(own.html).toBe(stored.html);
  expect((await fetch(`${app.baseUrl}/email-actions/${liveTokens[0]}`)).status).toBe(200);

  // Everyone else who may read it: the same mail, no token, and the cut link does nothing.
  for (const reader of [app.org.director, app.org.admin]) {
    const mail = await outboxOf(reader);
    for (const token of liveTokens) {
      expect(mail.text).not.toContain(token);
      expect(mail.html).not.toContain(token);
      expect(mail.text).not.toContain(token.split('.')[1]!);
    }
    expect(mail.text.match(/\/email-actions\/redacted/g)).toHaveLength(2);
    expect(mail.html).toContain('/email-actions/redacted');
    expect(mail.text.replace(/\/email-actions\/redacted/g, '')).toBe(stored.text.replace(TOKEN_IN_LINK, ''));
    const cut = await fetch(`${app.baseUrl}/email-actions/redacted`);
    expect(cut.status).toBe(400);
  }
  // Nothing was acted on, and the manager's links are still unused.
  expect(await app.db.prisma.actionToken.count({ where: { usedAt: { not: null } } })).toBe(0);
});
