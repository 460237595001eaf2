// The page's sign-in paths in a real Chromium against the real app and a real SMTP receiver:
// email + password in Chinese, the emailed one-time link, "forgot password", the API-token
// option, sign-out, and the locale switch that stores the user's language.
import type { Browser, Request } from 'playwright-core';
import { hashPassword } from '../../src/auth/passwords';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpReceiver, type SmtpReceiver } from '../mail/smtp-receiver';
import { waitUntil } from '../support/wait';
import { expectText, openPage } from './helpers';

jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery';
let app: TestApp;
let smtp: SmtpReceiver;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await startTestApp({ env: { SMTP_URL: smtp.url, LINK_RATE_LIMIT_PER_MINUTE: '1000' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.stop();
});

/** A rep of line A with a password (or none), in the given stored locale. */
async function person(
  name: string,
  slug: string,
  locale: 'zh_CN' | 'en',
  password: string | null = PASSWORD,
) {
  const email = `${slug}@web.test.psm`;
  const user = await app.db.prisma.user.create({
    data: {
      name,
      email,
      role: 'rep',
      locale,
      managerId: app.org.managerA.id,
      passwordHash: password === null ? null : await hashPassword(password),
    },
  });
  return { id: user.id, email, name };
}

/** The /auth/... link in the newest mail to `to`, as a path. */
async function linkMailedTo(to: string, kind: 'magic' | 'reset', after: number): Promise<string> {
  const mail = await waitUntil(
    async () => smtp.messages.slice(after).find((m) => m.envelopeTo.includes(to)),
    15_000,
    `mail to ${to}`,
  );
  const link = new RegExp(`https?://[^\\s"'<>]+/auth/${kind}/[A-Za-z0-9_-]+`).exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no ${kind} link in: ${mail.text}`);
  return link.replace(/^https?:\/\/[^/]+/, '');
}

describe('signing in to the page', () => {
  it('signs in with email and password in Chinese, sends CSRF on changes, and signs out', async () => {
    const u = await person('李娜', 'lina', 'zh_CN');
    const { page, context, errors } = await openPage(browser);
    await page.goto(app.baseUrl + '/');
    // Before anyone is known, the page speaks the default language, zh-CN.
    await expectText(page.locator('h1'), '登录');
    const form = page.locator('#signin-form');

    // A wrong password: one answer, by code, in Chinese.
    await form.getByLabel('邮箱').fill(u.email);
    await form.getByLabel('密码').fill('wrong password 123');
    await form.getByRole('button', { name: '登录' }).click();
    await expectText(form.locator('.form-error'), '邮箱或密码不正确');
    await expectText(form.locator('.form-error'), 'SIGN_IN_FAILED');

    await form.getByLabel('密码').fill(PASSWORD);
    await form.getByRole('button', { name: '登录' }).click();
    await expectText(page.locator('#whoami-name'), '李娜 · 销售');
    await expectText(page.locator('h1'), '我的商机');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'psm_session');
    const csrf = cookies.find((c) => c.name === 'psm_csrf');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect(csrf?.httpOnly).toBe(false);
    // No token is kept by the page: the session is the cookie.
    expect(await page.evaluate(() => JSON.stringify((globalThis as any).sessionStorage))).toBe('{}');

    // A change made from the page carries X-CSRF-Token = psm_csrf and no bearer token.
    const sent: Request[] = [];
    page.on(
      'request',
      (r) => r.method() === 'POST' && r.url().includes('/api/opportunities') && sent.push(r),
    );
    await page.getByRole('link', { name: '＋ 新建商机' }).first().click();
    await page.locator('#new-deal-form').getByLabel('商机名称').fill('Cookie deal');
    await page.locator('#new-deal-form').getByLabel('客户').fill('江南银行');
    await page.locator('#new-deal-form').getByLabel('金额').fill('1000');
    await page.getByRole('button', { name: '创建商机' }).click();
    await page.waitForURL(/#\/opportunities\/opp-/);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers()['x-csrf-token']).toBe(csrf?.value);
    expect(sent[0]!.headers().authorization).toBeUndefined();

    // Sign out: back to the form, and the old session no longer works.
    await page.getByRole('button', { name: '退出' }).click();
    await expectText(page.locator('.signin .notice'), '已退出');
    expect((await page.request.get(app.baseUrl + '/api/me')).status()).toBe(401);
    await page.reload();
    await expectText(page.locator('h1'), '登录');
    expect(await page.locator('#whoami').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says "signed out", not "session expired", when a request still in flight at sign-out answers 401', async () => {
    const u = await person('周敏', 'zhou.min', 'zh_CN');
    const { page, context, errors } = await openPage(browser);
    await page.goto(app.baseUrl + '/');
    const form = page.locator('#signin-form');
    await form.getByLabel('邮箱').fill(u.email);
    await form.getByLabel('密码').fill(PASSWORD);
    await form.getByRole('button', { name: '登录' }).click();
    await expectText(page.locator('#whoami-name'), '周敏 · 销售');
    // The next approvals count is held back until after the sign-out has ended the session.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/approvals/pending', async (route) => {
      await held;
      await route.continue();
    });
    await page.evaluate('document.dispatchEvent(new Event("visibilitychange"))');
    await page.getByRole('button', { name: '退出' }).click();
    await expectText(page.locator('.signin .notice'), '已退出');
    const answered = page.waitForResponse((r) => r.url().includes('/api/approvals/pending'));
    release();
    expect((await answered).status()).toBe(401);
    // The late 401 leaves the notice as it was.
    await page.waitForTimeout(300);
    await expectText(page.locator('.signin .notice'), '已退出');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('signs in by an emailed one-time link, and mails a reset link for a forgotten password', async () => {
    const u = await person('Magic Ma', 'magic.ma', 'en', null);
    const { page, context, errors } = await openPage(browser);
    await page.goto(app.baseUrl + '/');
    await page.getByRole('button', { name: '给我发送登录链接' }).click();
    const before = smtp.messages.length;
    await page.locator('#magic-link-form').getByLabel('邮箱').fill(u.email);
    await page.getByRole('button', { name: '发送登录链接' }).click();
    await expectText(page.locator('#link-sent'), u.email);
    const link = await linkMailedTo(u.email, 'magic', before);

    // The mailed page asks before it signs in (a mail scanner's GET burns nothing).
    await page.goto(app.baseUrl + link);
    await page.locator('form[method=post] button[type=submit]').click();
    await page.waitForURL(app.baseUrl + '/').catch(async (err: unknown) => {
      throw new Error(
        `${String(err)} at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 800)}`,
      );
    });
    // Signed in, and the page now speaks the user's stored language (en).
    await expectText(page.locator('#whoami-name'), 'Magic Ma · Rep');
    await expectText(page.locator('h1'), 'My deals');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectText(page.locator('h1'), 'Sign in');

    // Forgot password: the form says the same whether or not the address exists.
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    const beforeReset = smtp.messages.length;
    await page.locator('#reset-form').getByLabel('Email').fill(u.email);
    await page.getByRole('button', { name: 'Send the reset link' }).click();
    await expectText(page.locator('#link-sent'), `If ${u.email} has an account here`);
    expect(await linkMailedTo(u.email, 'reset', beforeReset)).toMatch(/^\/auth\/reset\//);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('switches the language and stores it on the user; a pasted API token still works', async () => {
    const u = await person('Zhang Wei', 'zhang.wei', 'zh_CN');
    const { page, context, errors } = await openPage(browser);
    await page.goto(app.baseUrl + '/');
    await page.locator('#signin-form').getByLabel('邮箱').fill(u.email);
    await page.locator('#signin-form').getByLabel('密码').fill(PASSWORD);
    await page.locator('#signin-form').getByRole('button', { name: '登录' }).click();
    await expectText(page.locator('h1'), '我的商机');

    await page.locator('#locale-switch').selectOption('en');
    await expectText(page.locator('h1'), 'My deals');
    await expectText(page.locator('#nav'), 'Approvals');
    expect(await page.locator('#nav').innerText()).not.toContain('待我审批');
    await waitUntil(
      async () => (await app.db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).locale === 'en',
      5_000,
      'the stored locale',
    );
    // Another browser of the same person opens in English: the stored locale chooses.
    const other = await openPage(browser);
    await other.page.goto(app.baseUrl + '/');
    await other.page.locator('#signin-form').getByLabel('邮箱').fill(u.email);
    await other.page.locator('#signin-form').getByLabel('密码').fill(PASSWORD);
    await other.page.locator('#signin-form button[type=submit]').click();
    await expectText(other.page.locator('h1'), 'My deals');
    await other.context.close();

    await page.locator('#locale-switch').selectOption('zh-CN');
    await expectText(page.locator('h1'), '我的商机');
    await waitUntil(
      async () => (await app.db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).locale === 'zh_CN',
      5_000,
      'the stored locale back to zh-CN',
    );

    // The API token option (scripts' tokens): a wrong one is refused by code, a right one works.
    const tokenPage = await openPage(browser);
    await tokenPage.page.goto(app.baseUrl + '/');
    await tokenPage.page.locator('details.advanced summary').click();
    await tokenPage.page.locator('#token-input').fill('psm_not_a_real_token');
    await tokenPage.page.locator('#token-form button[type=submit]').click();
    await expectText(tokenPage.page.locator('#token-form .form-error'), 'TOKEN_REFUSED');
    const issued = await app.api(app.org.repB1, 'POST', `/api/users/${app.org.repB1.id}/tokens`, {
      label: 'browser',
      ttlDays: 1,
    });
    expect(issued.status).toBe(201);
    await tokenPage.page.locator('#token-input').fill(issued.body.token as string);
    await tokenPage.page.locator('#token-form button[type=submit]').click();
    await expectText(tokenPage.page.locator('#whoami-name'), '张伟 · 销售');
    // A token revoked while the page is open: the next call sends the page back to sign-in.
    expect((await app.api(app.org.repB1, 'DELETE', `/api/tokens/${issued.body.id}`)).status).toBe(204);
    await tokenPage.page.getByRole('button', { name: '刷新' }).click();
    await expectText(tokenPage.page.locator('.signin .notice'), '登录已失效，请重新登录。');
    expect(await tokenPage.page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
    expect(tokenPage.errors).toEqual([]);
    await tokenPage.context.close();
    expect(errors).toEqual([]);
    await context.close();
  });
});
