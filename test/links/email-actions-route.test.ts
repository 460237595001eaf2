// The one-click routes over a real HTTP server and a real PostgreSQL; `perform` stands in for the
// Temporal Update the app wires in, and records what it was asked to do.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createEmailActionsRouter, type EmailActionInput } from '../../src/api/routes/email-actions';
import { AppError } from '../../src/errors/app-error';
import { createActionLinks, signToken, type ActionLinks } from '../../src/links';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createOpportunity, createUser } from '../mail/fixtures';

const secret = 'route-test-secret-'.padEnd(48, 'z');

describe('email action routes', () => {
  let db: TestDatabase;
  let links: ActionLinks;
  let server: Server;
  let base: string;
  const performed: EmailActionInput[] = [];
  let performImpl: (input: EmailActionInput) => Promise<void> = async () => undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    links = createActionLinks({ prisma: db.prisma, secret, publicBaseUrl: 'http://unused', ttlHours: 72 });
    const app = express();
    app.use(
      createEmailActionsRouter({
        prisma: db.prisma,
        links,
        perform: async (input) => {
          await performImpl(input);
          performed.push(input);
        },
        // Stands in for a logged-in session: the header names the acting user.
        actingUserId: (req) => req.header('x-acting-user') ?? undefined,
        // This suite sends far more than a person would; the limit has its own test below.
        rateLimitPerMinute: 10_000,
      }),
    );
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.drop();
  });
  beforeEach(() => {
    performed.length = 0;
    performImpl = async () => undefined;
  });

  async function approvalLink(
    options: { locale?: 'zh_CN' | 'en'; dealName?: string; expiresAt?: Date; active?: boolean } = {},
  ) {
    const approver = await createUser(db.prisma, { locale: options.locale ?? 'en', active: options.active });
    const rep = await createUser(db.prisma, { role: 'rep' });
    const opportunityId = await createOpportunity(db.prisma, rep.id, { name: options.dealName });
    const approvalId = `apr-${opportunityId}`;
    await db.prisma.approval.create({
      data: {
        id: approvalId,
        opportunityId,
        kind: 'milestone_gate',
        milestone: 'project_initiation',
        requestedById: rep.id,
        approverId: approver.id,
        status: 'pending',
        requestedAt: new Date(),
        reason: 'Budget <confirmed>',
      },
    });
    const link = await links.issue({
      action: 'approve',
      subjectId: approvalId,
      opportunityId,
      userId: approver.id,
      expiresAt: options.expiresAt,
    });
    return { approver, approvalId, opportunityId, link, url: `${base}/email-actions/${link.token}` };
  }

  const usedAt = async (jti: string) =>
    (await db.prisma.actionToken.findUniqueOrThrow({ where: { id: jti } })).usedAt;
  const post = (url: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers });

  it("GET shows a confirmation page in the user's language and performs nothing", async () => {
    const { url, link } = await approvalLink({ locale: 'en', dealName: 'Grid <b>II</b>' });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const page = await res.text();
      expect(page).toContain('<html lang="en">');
      expect(page).toContain('Approve this request?');
      expect(page).toMatch(/<form method="post"><button type="submit">Approve<\/button><\/form>/);
      expect(page).toContain('Grid &lt;b&gt;II&lt;/b&gt;');
      expect(page).not.toContain('<b>II</b>');
      expect(page).toContain('Budget &lt;confirmed&gt;');
      expect(page).toContain('Project initiation');
    }
    expect(performed).toEqual([]);
    expect(await usedAt(link.jti)).toBeNull();
  });

  it('GET speaks Chinese to a zh-CN user', async () => {
    const { url } = await approvalLink({ locale: 'zh_CN' });
    const page = await (await fetch(url)).text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('确认批准？');
    expect(page).toContain('项目立项');
  });

  it('POST performs the action once and then refuses the reused link', async () => {
    const { url, link, approvalId, opportunityId, approver } = await approvalLink();
    const res = await post(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Approved');
    expect(performed).toEqual([
      { action: 'approve', subjectId: approvalId, opportunityId, userId: approver.id, linkId: link.jti },
    ]);
    expect(await usedAt(link.jti)).not.toBeNull();

    const again = await post(url);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already been used');
    // Result and refusal pages are never cached either (the URL is a credential).
    for (const page of [res, again]) expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(url)).status).toBe(409);
    expect(performed).toHaveLength(1);
  });

  it('concurrent double submit performs once', async () => {
    const { url } = await approvalLink();
    performImpl = () => new Promise((r) => setTimeout(r, 100));
    const statuses = (await Promise.all([post(url), post(url), post(url)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    expect(performed).toHaveLength(1);
  });

  it('refuses a forged token (wrong key) with 400 and changes nothing', async () => {
    const { link } = await approvalLink();
    const payload = (await links.verify(link.token)).payload;
    const forged = signToken(payload, 'attacker-secret'.padEnd(40, 'q'));
    // A forged token's user is not trusted, so the page follows the browser's language.
    const en = { 'accept-language': 'en-GB,en;q=0.8' };
    for (const res of [
      await fetch(`${base}/email-actions/${forged}`, { headers: en }),
      await post(`${base}/email-actions/${forged}`, en),
    ]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This link is not valid');
    }
    const zh = await post(`${base}/email-actions/${forged}`, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(zh.status).toBe(400);
    expect(await zh.text()).toContain('此链接无效');
    expect(performed).toEqual([]);
    expect(await usedAt(link.jti)).toBeNull();
  });

  it('refuses a tampered action (approve → reject) with 400 and changes nothing', async () => {
    const { link } = await approvalLink();
    const [body, sig] = link.token.split('.') as [string, string];
    const json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${Buffer.from(JSON.stringify({ ...json, action: 'reject' })).toString('base64url')}.${sig}`;
    const res = await post(`${base}/email-actions/${tampered}`);
    expect(res.status).toBe(400);
    expect(performed).toEqual([]);
    expect(await usedAt(link.jti)).toBeNull();
  });

  it('refuses garbage in the URL with 400, never 500', async () => {
    for (const token of ['abc', 'a.b', '%00', 'x'.repeat(5000)]) {
      const res = await post(`${base}/email-actions/${token}`);
      expect(res.status).toBe(400);
    }
    expect(performed).toEqual([]);
  });

  it('refuses an expired link with 410', async () => {
    const { url, link } = await approvalLink({ expiresAt: new Date(Date.now() - 60_000) });
    expect((await fetch(url)).status).toBe(410);
    const res = await post(url);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('expired');
    expect(performed).toEqual([]);
    expect(await usedAt(link.jti)).toBeNull();
  });

  it('refuses the wrong user with 403: another logged-in user, an inactive or deleted user', async () => {
    const { url, link } = await approvalLink();
    const other = await createUser(db.prisma);
    const res = await post(url, { 'x-acting-user': other.id });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('sent to another user');
    expect(await usedAt(link.jti)).toBeNull();

    const inactive = await approvalLink({ active: false });
    expect((await post(inactive.url)).status).toBe(403);

    const deleted = await approvalLink();
    await db.prisma.user.delete({ where: { id: deleted.approver.id } });
    expect((await fetch(deleted.url)).status).toBe(403);
    expect((await post(deleted.url)).status).toBe(403);
    expect(performed).toEqual([]);

    // The right user, logged in, is fine.
    expect((await post(url, { 'x-acting-user': (await links.verify(link.token)).user.id })).status).toBe(200);
  });

  it('a refused or failed action leaves the link unused, so it can be used later', async () => {
    const { url, link } = await approvalLink({ locale: 'zh_CN' });
    performImpl = async () => {
      throw new AppError('ALREADY_DECIDED', 'approval already decided');
    };
    const refused = await post(url);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('该审批已经处理过了');
    expect(await usedAt(link.jti)).toBeNull();

    performImpl = async () => {
      throw new Error('boom: connection reset');
    };
    const failed = await post(url);
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('boom');
    expect(await usedAt(link.jti)).toBeNull();

    performImpl = async () => undefined;
    expect((await post(url)).status).toBe(200);
    expect(performed).toHaveLength(1);
  });

  it('answers 429 (an HTML page, not cached) once an address exceeds the limit, per address', async () => {
    const limited = express();
    // As the app does: a proxy on loopback names the client, which lets the test speak from two addresses.
    limited.set('trust proxy', 'loopback');
    limited.use(
      createEmailActionsRouter({
        prisma: db.prisma,
        links,
        perform: async (input) => void performed.push(input),
        rateLimitPerMinute: 5,
      }),
    );
    const limitedServer = await new Promise<Server>((resolve) => {
      const s = limited.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const at = `http://127.0.0.1:${(limitedServer.address() as AddressInfo).port}`;
      const { link } = await approvalLink();
      const from = (address: string) => ({ 'x-forwarded-for': address, 'accept-language': 'en' });
      // A guesser's five tries are answered (400: not a link)...
      for (let i = 0; i < 5; i++) {
        expect((await post(`${at}/email-actions/guess-${i}.x`, from('203.0.113.7'))).status).toBe(400);
      }
      // ...then every request from that address is refused, even a genuine link, which stays unused.
      for (const res of [
        await fetch(`${at}/email-actions/${link.token}`, { headers: from('203.0.113.7') }),
        await post(`${at}/email-actions/${link.token}`, from('203.0.113.7')),
      ]) {
        expect(res.status).toBe(429);
        expect(res.headers.get('content-type')).toMatch(/text\/html/);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await res.text()).toContain('Too many requests');
      }
      expect(performed).toEqual([]);
      expect(await usedAt(link.jti)).toBeNull();
      // Another address is not affected.
      expect((await post(`${at}/email-actions/${link.token}`, from('198.51.100.9'))).status).toBe(200);
      expect(performed).toHaveLength(1);
    } finally {
      await new Promise((r) => limitedServer.close(r));
    }
  });

  it('GET says so when the read model already shows the approval decided', async () => {
    const { url, approvalId } = await approvalLink();
    await db.prisma.approval.update({
      where: { id: approvalId },
      data: { status: 'approved', decidedAt: new Date() },
    });
    const res = await fetch(url);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('already been decided');
    expect(performed).toEqual([]);
  });
});
