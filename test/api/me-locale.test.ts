// PATCH /api/me: a user changes their own language and nothing else (the page's locale switch).
import { startTestApp, type TestApp } from '../support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

describe('PATCH /api/me', () => {
  it('stores the caller’s locale, which the next /api/me answers', async () => {
    const rep = app.org.repA1;
    expect((await app.api(rep, 'GET', '/api/me')).body.locale).toBe('en');
    const res = await app.api(rep, 'PATCH', '/api/me', { locale: 'zh-CN' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: rep.id, locale: 'zh-CN', role: 'rep' });
    expect((await app.api(rep, 'GET', '/api/me')).body.locale).toBe('zh-CN');
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: rep.id } })).locale).toBe('zh_CN');
    // Idempotent: the same change again is the same answer.
    expect((await app.api(rep, 'PATCH', '/api/me', { locale: 'zh-CN' })).body.locale).toBe('zh-CN');
  });

  it('refuses anything but a supported locale with 400 INVALID_INPUT and changes nothing', async () => {
    const rep = app.org.repA2;
    const before = await app.db.prisma.user.findUniqueOrThrow({ where: { id: rep.id } });
    for (const body of [
      { locale: 'fr' },
      {},
      { locale: 'en', role: 'admin' },
      { locale: 'en', managerId: null },
      { locale: 'en', active: false },
      'not json',
    ]) {
      const res = await app.api(rep, 'PATCH', '/api/me', body);
      expect([res.status, res.body?.error?.code]).toEqual([400, 'INVALID_INPUT']);
    }
    const after = await app.db.prisma.user.findUniqueOrThrow({ where: { id: rep.id } });
    expect(after).toEqual(before);
  });
});
