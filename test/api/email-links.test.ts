// One-click email actions end to end: the workflow asks for an approval, the approver's mail
// carries signed links, GET confirms without acting, POST decides once, and every attack fails.
import { captureLogs, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
const { logger, lines: logLines } = captureLogs();
const usedLinks: string[] = [];
beforeAll(async () => {
  app = await startTestApp({ logger });
});
afterAll(async () => {
  await app?.stop();
});

async function approvalMail(): Promise<{
  id: string;
  approvalId: string;
  approve: string;
  reject: string;
  text: string;
}> {
  const created = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
    name: 'Link deal',
    account: 'Link Co',
    amount: 5000,
  });
  const id = created.body.id as string;
  const req = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: 'Please approve',
  });
  expect(req.status).toBe(200);
  const mail = await waitUntil(() =>
    app.db.prisma.emailMessage.findFirst({
      where: { opportunityId: id, template: 'approval_request', status: 'sent' },
    }),
  );
  expect(mail.toAddress).toBe('manager.a@test.psm');
  const links = [...mail.text.matchAll(/https?:\/\/\S+\/email-actions\/[A-Za-z0-9._-]+/g)].map((m) => m[0]);
  const approve = links.find(
    (l) =>
      mail.text.split(l)[0]!.toLowerCase().lastIndexOf('approve') >
      mail.text.split(l)[0]!.toLowerCase().lastIndexOf('reject'),
  );
  expect(links.length).toBeGreaterThanOrEqual(2);
  const path = (l: string) => new URL(l).pathname;
  // The approve link is the one the mail labels "approve"; tokens carry their action, checked below.
  const [first, second] = links.map(path) as [string, string];
  const actionOf = (p: string) =>
    JSON.parse(Buffer.from(p.split('/').pop()!.split('.')[0]!, 'base64url').toString()).action as string;
  const approvePath = [first, second].find((p) => actionOf(p) === 'approve')!;
  const rejectPath = [first, second].find((p) => actionOf(p) === 'reject')!;
  expect(approve).toBeDefined();
  return { id, approvalId: req.body.approvalId, approve: approvePath, reject: rejectPath, text: mail.text };
}

const get = (p: string) => (usedLinks.push(p), fetch(app.baseUrl + p));
const post = (p: string) => (usedLinks.push(p), fetch(app.baseUrl + p, { method: 'POST' }));

it('never writes a link token to the logs', async () => {
  const m = await approvalMail();
  await get(m.approve);
  await post(m.reject);
  const logs = logLines.join('');
  expect(logs).toContain('/email-actions/[token]');
  for (const link of usedLinks) expect(logs).not.toContain(link.split('/').pop()!.slice(0, 40));
});

it('GET shows a confirmation page and changes nothing; POST approves once; a reused link is refused', async () => {
  const m = await approvalMail();
  const page = await get(m.approve);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<form[^>]+method="post"/i);
  const before = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${m.id}`)).body;
  expect(before.pendingApprovals.map((a: { id: string }) => a.id)).toContain(m.approvalId);

  const done = await post(m.approve);
  expect(done.status).toBe(200);
  const after = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${m.id}`)).body;
  expect(after.approvals.find((a: { id: string }) => a.id === m.approvalId)).toMatchObject({
    status: 'approved',
    decidedById: app.org.managerA.id,
  });

  const again = await post(m.approve);
  expect(again.status).toBe(409);
  expect((await post(m.reject)).status).toBeGreaterThanOrEqual(400); // the approval is decided: rejecting now is refused
  const final = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${m.id}`)).body;
  expect(final.approvals.find((a: { id: string }) => a.id === m.approvalId).status).toBe('approved');
});

it('refuses forged and tampered links with a clear page, and nothing changes', async () => {
  const m = await approvalMail();
  const [payload, signature] = m.reject.split('/').pop()!.split('.') as [string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const tampered = Buffer.from(JSON.stringify({ ...decoded, action: 'approve' })).toString('base64url');
  const forged = `/email-actions/${tampered}.${signature}`;
  const res = await post(forged);
  expect(res.status).toBe(400);
  expect(await res.text()).toMatch(/invalid|无效/i);
  expect((await post('/email-actions/not-a-token')).status).toBe(400);
  const state = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${m.id}`)).body;
  expect(state.pendingApprovals.map((a: { id: string }) => a.id)).toContain(m.approvalId);
});

it('a link used while the API caller is another user is refused', async () => {
  const m = await approvalMail();
  const res = await fetch(app.baseUrl + m.approve, {
    method: 'POST',
    headers: { Authorization: `Bearer ${app.org.managerB.token}` },
  });
  expect(res.status).toBe(403);
  const state = (await app.api(app.org.repA1, 'GET', `/api/opportunities/${m.id}`)).body;
  expect(state.pendingApprovals.map((a: { id: string }) => a.id)).toContain(m.approvalId);
  // The link still works for the person it was mailed to.
  const own = await fetch(app.baseUrl + m.approve, {
    method: 'POST',
    headers: { Authorization: `Bearer ${app.org.managerA.token}` },
  });
  expect(own.status).toBe(200);
});
