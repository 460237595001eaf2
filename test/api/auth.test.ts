// Browser sign-in over real HTTP against the real app (PostgreSQL, Temporal) with a real SMTP
// receiver: passwords, sessions in cookies, CSRF, expiry and revocation, mailed one-time links,
// invitations, resets and the failed-sign-in limits.
import { hashPassword } from '../../src/auth/passwords';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../mail/smtp-receiver';
import { waitUntil } from '../support/wait';

let app: TestApp;
let smtp: SmtpReceiver;
const PASSWORD = 'correct horse battery';

interface Browser {
  cookies: Map<string, string>;
}
const newBrowser = (): Browser => ({ cookies: new Map() });

/** A fetch that keeps cookies like a browser and sends X-CSRF-Token when `csrf` is true. */
async function call(
  browser: Browser | null,
  method: string,
  path: string,
  opts: {
    body?: unknown;
    form?: Record<string, string>;
    csrf?: boolean | string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any; text: string; headers: Headers; setCookies: string[] }> {
  const headers: Record<string, string> = { ...freshAddress(), ...opts.headers };
  if (browser && browser.cookies.size)
    headers.Cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  if (opts.csrf === true) headers['X-CSRF-Token'] = browser?.cookies.get('psm_csrf') ?? '';
  else if (typeof opts.csrf === 'string') headers['X-CSRF-Token'] = opts.csrf;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  } else if (opts.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(app.baseUrl + path, { method, headers, body, redirect: 'manual' });
  const setCookies = res.headers.getSetCookie();
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const [name, ...rest] = pair!.split('=');
    const value = rest.join('=');
    if (/Max-Age=0/i.test(c) || value === '') browser?.cookies.delete(name!);
    else browser?.cookies.set(name!, value);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers, setCookies };
}

let addressCounter = 0;
/** A client address of its own (the app trusts X-Forwarded-For from loopback), so limits do not mix. */
const freshAddress = () => ({ 'X-Forwarded-For': `198.51.100.${++addressCounter}` });

async function signIn(email: string, password = PASSWORD, browser = newBrowser()) {
  const res = await call(browser, 'POST', '/api/auth/sign-in', {
    body: { email, password },
    headers: freshAddress(),
  });
  return { res, browser };
}

async function userWithPassword(
  name: string,
  opts: { locale?: 'zh_CN' | 'en'; password?: string | null } = {},
): Promise<{ id: string; email: string }> {
  const email = `${name}@auth.test.psm`;
  const passwordHash = opts.password === null ? null : await hashPassword(opts.password ?? PASSWORD);
  const u = await app.db.prisma.user.create({
    data: {
      name,
      email,
      role: 'rep',
      locale: opts.locale ?? 'en',
      managerId: app.org.managerA.id,
      passwordHash,
    },
  });
  return { id: u.id, email };
}

/** The next mail to `to`, and the /auth/... link in it. */
async function mailTo(to: string, count = 1): Promise<{ mail: ReceivedMail; link: string }> {
  const mails = await waitUntil(
    async () => {
      const found = smtp.messages.filter((m) => m.envelopeTo.includes(to));
      return found.length >= count ? found : undefined;
    },
    15_000,
    `mail to ${to}`,
  );
  const mail = mails[count - 1]!;
  const link = /https?:\/\/[^\s"'<>]+\/auth\/(magic|invite|reset)\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no link in: ${mail.text}`);
  return { mail, link: link.replace(/^https?:\/\/[^/]+/, '') };
}

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await startTestApp({
    env: {
      SMTP_URL: smtp.url,
      SIGN_IN_FAILURES_PER_ACCOUNT: '3',
      SIGN_IN_FAILURES_PER_ADDRESS: '8',
      LINK_RATE_LIMIT_PER_MINUTE: '1000',
    },
  });
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

describe('email and password', () => {
  it('signs in with httpOnly SameSite cookies, and /api/me works with the cookie alone', async () => {
    const u = await userWithPassword('sina');
    const { res, browser } = await signIn(u.email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: u.id, email: u.email });
    const session = res.setCookies.find((c) => c.startsWith('psm_session='))!;
    const csrf = res.setCookies.find((c) => c.startsWith('psm_csrf='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/Secure/); // PUBLIC_BASE_URL is http here
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(res.body.csrfToken).toBe(browser.cookies.get('psm_csrf'));
    const me = await call(browser, 'GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(u.id);
    // Only the hash is stored.
    const row = await app.db.prisma.session.findFirstOrThrow({ where: { userId: u.id } });
    expect(row.tokenHash).not.toContain(browser.cookies.get('psm_session'));
  });

  it('answers a wrong password, an unknown email, no password and an inactive user alike', async () => {
    const withPw = await userWithPassword('wrongpw');
    const noPw = await userWithPassword('nopw', { password: null });
    const inactive = await userWithPassword('inact');
    await app.db.prisma.user.update({ where: { id: inactive.id }, data: { active: false } });
    const answers = await Promise.all(
      [
        [withPw.email, 'not the password'],
        ['nobody.at.all@auth.test.psm', PASSWORD],
        [noPw.email, PASSWORD],
        [inactive.email, PASSWORD],
      ].map(async ([email, password]) => {
        const res = await call(null, 'POST', '/api/auth/sign-in', {
          body: { email, password },
          headers: freshAddress(),
        });
        return { status: res.status, body: res.body, cookies: res.setCookies.length };
      }),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]).toEqual({
      status: 401,
      body: { error: expect.objectContaining({ code: 'SIGN_IN_FAILED', message: expect.any(String) }) },
      cookies: 0,
    });
  });

  it('takes as long for an unknown email as for a wrong password (a dummy hash is verified)', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => userWithPassword(`timing${i}`)));
    const timeOf = async (email: string) => {
      const started = performance.now();
      const res = await call(null, 'POST', '/api/auth/sign-in', {
        body: { email, password: 'wrong password here' },
        headers: freshAddress(),
      });
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (const [i, u] of users.entries()) {
      wrong.push(await timeOf(u.email));
      unknown.push(await timeOf(`unknown${i}@auth.test.psm`));
    }
    const ratio = median(unknown) / median(wrong);
    if (process.env.AUTH_TIMING_LOG) console.log({ ratio, wrong: median(wrong), unknown: median(unknown) });
    expect({ ratio: ratio > 0.65 && ratio < 1.55 ? 'similar' : ratio, wrong, unknown }).toMatchObject({
      ratio: 'similar',
    });
  });

  it('answers 400, never 500, for an email PostgreSQL cannot hold, on every route that takes one', async () => {
    for (const path of ['/api/auth/sign-in', '/api/auth/magic-link', '/api/auth/password-reset']) {
      const body = path.endsWith('sign-in')
        ? { email: 'a\u0000b@x', password: 'x' }
        : { email: 'a\u0000b@x' };
      const res = await call(null, 'POST', path, { body });
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
        path,
        status: 400,
        code: 'INVALID_INPUT',
      });
    }
  });

  it('refuses a cross-site sign-in form (login CSRF)', async () => {
    const u = await userWithPassword('origin');
    const res = await call(null, 'POST', '/api/auth/sign-in', {
      body: { email: u.email, password: PASSWORD },
      headers: { Origin: 'https://evil.example', ...freshAddress() },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_FAILED');
    const same = await call(null, 'POST', '/api/auth/sign-in', {
      body: { email: u.email, password: PASSWORD },
      headers: { Origin: app.baseUrl, ...freshAddress() },
    });
    expect(same.status).toBe(200);
  });
});

describe('failed sign-ins are limited', () => {
  it('per account: after 3 failures even the right password waits, and an unknown email gets the same', async () => {
    const u = await userWithPassword('limited');
    const attempt = (email: string, password: string) =>
      call(null, 'POST', '/api/auth/sign-in', { body: { email, password }, headers: freshAddress() });
    for (let i = 0; i < 3; i++) expect((await attempt(u.email, 'wrong')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await attempt('ghost@auth.test.psm', 'wrong')).status).toBe(401);
    const right = await attempt(u.email, PASSWORD);
    const ghost = await attempt('ghost@auth.test.psm', PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('RATE_LIMITED');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect({ status: ghost.status, code: ghost.body.error.code }).toEqual({
      status: right.status,
      code: right.body.error.code,
    });
  });

  it('per address: 8 failures from one address on different accounts, then 429 for any account', async () => {
    const address = freshAddress();
    for (let i = 0; i < 8; i++) {
      const res = await call(null, 'POST', '/api/auth/sign-in', {
        body: { email: `spray${i}@auth.test.psm`, password: 'wrong' },
        headers: address,
      });
      expect(res.status).toBe(401);
    }
    const u = await userWithPassword('sprayed');
    const res = await call(null, 'POST', '/api/auth/sign-in', {
      body: { email: u.email, password: PASSWORD },
      headers: address,
    });
    expect(res.status).toBe(429);
    // Another address is not affected.
    expect((await signIn(u.email)).res.status).toBe(200);
  });
});

describe('CSRF on cookie-authenticated changes', () => {
  it('needs X-CSRF-Token equal to psm_csrf for a change, not for a read; Bearer needs none', async () => {
    const u = await userWithPassword('csrf');
    const { browser } = await signIn(u.email);
    const change = (csrf?: boolean | string) =>
      call(browser, 'POST', `/api/users/${u.id}/tokens`, { body: { label: 'via cookie', ttlDays: 1 }, csrf });
    const none = await change();
    const wrong = await change('not-the-token');
    expect([none.status, none.body.error.code, wrong.status, wrong.body.error.code]).toEqual([
      403,
      'CSRF_FAILED',
      403,
      'CSRF_FAILED',
    ]);
    // A planted psm_csrf cookie with a matching header is not enough: it must be this session's.
    const planted = newBrowser();
    planted.cookies.set('psm_session', browser.cookies.get('psm_session')!);
    planted.cookies.set('psm_csrf', 'attacker-chosen');
    const forged = await call(planted, 'POST', `/api/users/${u.id}/tokens`, {
      body: { label: 'forged', ttlDays: 1 },
      csrf: 'attacker-chosen',
    });
    expect(forged.status).toBe(403);
    expect(await app.db.prisma.apiToken.count({ where: { userId: u.id } })).toBe(0);
    expect((await change(true)).status).toBe(201);
    expect((await call(browser, 'GET', `/api/users/${u.id}/tokens`)).status).toBe(200);
    const bearer = await app.api(app.org.repA1, 'POST', `/api/users/${app.org.repA1.id}/tokens`, {
      label: 'bearer',
      ttlDays: 1,
    });
    expect(bearer.status).toBe(201);
  });
});

describe('sessions end', () => {
  it('on sign-out', async () => {
    const u = await userWithPassword('signout');
    const { browser } = await signIn(u.email);
    const stolen = new Map(browser.cookies);
    expect((await call(browser, 'POST', '/api/auth/sign-out')).status).toBe(403); // no CSRF header
    const out = await call(browser, 'POST', '/api/auth/sign-out', { csrf: true });
    expect(out.status).toBe(204);
    expect(browser.cookies.size).toBe(0);
    expect((await call({ cookies: stolen }, 'GET', '/api/me')).status).toBe(401);
  });

  it('after the idle timeout and at the absolute end', async () => {
    const u = await userWithPassword('expiry');
    const idle = await signIn(u.email);
    const absolute = await signIn(u.email);
    const [a, b] = await app.db.prisma.session.findMany({
      where: { userId: u.id },
      orderBy: { createdAt: 'asc' },
    });
    // Never used since sign-in, so nothing is cached: move their clocks in the database.
    await app.db.prisma.session.update({
      where: { id: a!.id },
      data: { lastSeenAt: new Date(Date.now() - 13 * 3_600_000) },
    });
    await app.db.prisma.session.update({
      where: { id: b!.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const idleMe = await call(idle.browser, 'GET', '/api/me');
    const absMe = await call(absolute.browser, 'GET', '/api/me');
    expect([idleMe.status, absMe.status]).toEqual([401, 401]);
    expect(idleMe.body.error.code).toBe('UNAUTHENTICATED');
    const old = await app.db.prisma.session.create({
      data: { userId: u.id, tokenHash: `old-${u.id}`, expiresAt: new Date(Date.now() - 31 * 86_400_000) },
    });
    const fresh = await signIn(u.email);
    expect((await call(fresh.browser, 'GET', '/api/me')).status).toBe(200);
    // Sessions ended over 30 days ago go at the next sign-in; recent ones stay listed.
    const left = await app.db.prisma.session.findMany({ where: { userId: u.id }, select: { id: true } });
    expect(left).toHaveLength(3);
    expect(left.map((s) => s.id)).toEqual(expect.arrayContaining([a!.id, b!.id]));
    expect(left.map((s) => s.id)).not.toContain(old.id);
  });

  it('when an admin revokes one or all; admins list them, others may not', async () => {
    const u = await userWithPassword('revoked');
    const one = await signIn(u.email);
    const two = await signIn(u.email);
    const three = await signIn(u.email);
    const list = await app.api(app.org.admin, 'GET', `/api/users/${u.id}/sessions`);
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(3);
    expect(list.body.sessions[0]).toMatchObject({ active: true, revokedAt: null, current: false });
    const own = await call(one.browser, 'GET', `/api/users/${u.id}/sessions`);
    expect(own.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect((await app.api(app.org.repA2, 'GET', `/api/users/${u.id}/sessions`)).status).toBe(403);
    expect((await app.api(app.org.repA2, 'DELETE', `/api/users/${u.id}/sessions`)).status).toBe(403);

    const oneId = own.body.sessions.find((s: { current: boolean }) => s.current).id as string;
    expect((await app.api(app.org.admin, 'DELETE', `/api/users/${u.id}/sessions/${oneId}`)).status).toBe(204);
    expect((await call(one.browser, 'GET', '/api/me')).status).toBe(401);
    expect((await call(two.browser, 'GET', '/api/me')).status).toBe(200);
    expect((await app.api(app.org.admin, 'DELETE', `/api/users/${u.id}/sessions`)).status).toBe(204);
    expect((await call(two.browser, 'GET', '/api/me')).status).toBe(401);
    expect((await call(three.browser, 'GET', '/api/me')).status).toBe(401);
    const after = await app.api(app.org.admin, 'GET', `/api/users/${u.id}/sessions`);
    expect(after.body.sessions.every((s: { active: boolean }) => !s.active)).toBe(true);
  });

  it('when the user is deactivated', async () => {
    const u = await userWithPassword('deactivated');
    const { browser } = await signIn(u.email);
    expect((await call(browser, 'GET', '/api/me')).status).toBe(200);
    expect((await app.api(app.org.admin, 'PATCH', `/api/users/${u.id}`, { active: false })).status).toBe(200);
    expect((await call(browser, 'GET', '/api/me')).status).toBe(401);
    await waitUntil(
      async () => (await app.db.prisma.session.count({ where: { userId: u.id, revokedAt: null } })) === 0,
      5_000,
      'sessions revoked',
    );
  });

  it('when the password changes (but the browser that changed it stays in)', async () => {
    const u = await userWithPassword('changer');
    const here = await signIn(u.email);
    const elsewhere = await signIn(u.email);
    const change = (currentPassword: string, newPassword: string) =>
      call(here.browser, 'POST', '/api/auth/password', {
        body: { currentPassword, newPassword },
        csrf: true,
      });
    const short = await change(PASSWORD, 'short');
    expect([short.status, short.body.error.code, short.body.error.details]).toEqual([
      422,
      'PASSWORD_TOO_SHORT',
      { minLength: 10 },
    ]);
    expect((await change(PASSWORD, `x${u.email}x`)).body.error.code).toBe('PASSWORD_CONTAINS_EMAIL');
    expect((await change(PASSWORD, '1234567890')).body.error.code).toBe('PASSWORD_TOO_COMMON');
    expect((await change('not it', 'a much better passphrase')).body.error.code).toBe('SIGN_IN_FAILED');
    expect((await call(elsewhere.browser, 'GET', '/api/me')).status).toBe(200);

    expect((await change(PASSWORD, 'a much better passphrase')).status).toBe(204);
    expect((await call(elsewhere.browser, 'GET', '/api/me')).status).toBe(401);
    expect((await call(here.browser, 'GET', '/api/me')).status).toBe(200);
    expect((await signIn(u.email)).res.status).toBe(401);
    expect((await signIn(u.email, 'a much better passphrase')).res.status).toBe(200);
  });
});

describe('mailed one-time links', () => {
  it('magic link: 202 whatever the email; GET shows a page and burns nothing; POST signs in once', async () => {
    const u = await userWithPassword('magic', { locale: 'zh_CN', password: null });
    const before = smtp.messages.length;
    const known = await call(null, 'POST', '/api/auth/magic-link', { body: { email: u.email } });
    const unknown = await call(null, 'POST', '/api/auth/magic-link', {
      body: { email: 'ghost@auth.test.psm' },
    });
    expect([known.status, known.text]).toEqual([202, '{}']);
    expect([unknown.status, unknown.text]).toEqual([known.status, known.text]);
    const { mail, link } = await mailTo(u.email);
    expect(mail.subject).toBe('您的 PSM 登录链接');
    expect(mail.text).toContain('15 分钟后失效');
    // Only the one mail: nothing went to the unknown address.
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.length - before).toBe(1);
    const stored = await app.db.prisma.emailMessage.findFirstOrThrow({ where: { toUserId: u.id } });
    expect(stored).toMatchObject({ template: 'auth_sign_in', status: 'sent' });
    expect(stored.idempotencyKey).toMatch(/^auth:sign_in:[0-9a-f-]{36}$/);

    // Whoever else may read the outbox (an admin, the manager) sees the link cut; its recipient does not.
    const token = link.split('/').pop()!;
    const outbox = await app.api(app.org.admin, 'GET', '/api/outbox?limit=100');
    const seen = (outbox.body.emails as { subject: string; text: string; html: string }[]).find(
      (m) => m.subject === '您的 PSM 登录链接' && m.text.includes('/auth/magic/'),
    )!;
    expect(seen.text).toContain('/auth/magic/redacted');
    expect(seen.text + seen.html).not.toContain(token);

    // A mail scanner fetches the link twice: the person can still use it.
    for (let i = 0; i < 2; i++) {
      const page = await call(null, 'GET', link);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<form method="post">');
      expect(page.text).toContain('登录 PSM？');
    }
    const browser = newBrowser();
    // As Chromium posts the page's form when the referrer is hidden: Origin null, Sec-Fetch-Site same-origin.
    const used = await call(browser, 'POST', link, {
      form: {},
      headers: { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe('/');
    expect((await call(browser, 'GET', '/api/me')).body.id).toBe(u.id);
    const again = await call(newBrowser(), 'POST', link, { form: {} });
    expect(again.status).toBe(409);
    expect(again.text).toContain('TOKEN_USED');
    expect(again.setCookies).toEqual([]);
  });

  it('refuses an altered, an expired and a cross-site use of a link', async () => {
    const u = await userWithPassword('magic2', { password: null });
    await call(null, 'POST', '/api/auth/magic-link', { body: { email: u.email } });
    const { link } = await mailTo(u.email);
    const altered = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    expect((await call(null, 'GET', altered)).status).toBe(400);
    expect((await call(null, 'POST', link.replace('/magic/', '/reset/'), { form: {} })).status).toBe(400);
    const crossSite = await call(null, 'POST', link, {
      form: {},
      headers: { Origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    // "Origin: null" (a page hiding its referrer) counts as ours only when the browser says same-origin.
    const hidden = await call(null, 'POST', link, {
      form: {},
      headers: { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(hidden.status).toBe(403);
    const page = await call(null, 'GET', link);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('cache-control')).toBe('no-store');
    await app.db.prisma.authLink.updateMany({
      where: { userId: u.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await call(null, 'POST', link, { form: {} });
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('This link has expired');
  });

  it('invitation: an admin invites, the person sets a password on the page and can then sign in', async () => {
    const created = await app.api(app.org.admin, 'POST', '/api/users', {
      name: 'Ivy Invitee',
      email: 'ivy@auth.test.psm',
      role: 'rep',
      locale: 'en',
      managerId: app.org.managerA.id,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await app.api(app.org.managerA, 'POST', `/api/users/${id}/invitation`)).status).toBe(403);
    const invited = await app.api(app.org.admin, 'POST', `/api/users/${id}/invitation`);
    expect(invited.status).toBe(202);
    const { mail, link } = await mailTo('ivy@auth.test.psm');
    expect(mail.subject).toBe('You are invited to PSM');
    expect(mail.text).toContain('Admin invited you');
    const page = await call(null, 'GET', link);
    expect(page.text).toContain('Welcome to PSM, Ivy Invitee');
    expect(page.text).toContain('autocomplete="new-password"');

    const differ = await call(null, 'POST', link, {
      form: { password: 'first passphrase', repeat: 'second one!!' },
    });
    expect(differ.status).toBe(422);
    expect(differ.text).toContain('The two passwords are not the same.');
    const short = await call(null, 'POST', link, { form: { password: 'short', repeat: 'short' } });
    expect(short.status).toBe(422);
    expect(short.text).toContain('at least 10 characters');
    const browser = newBrowser();
    const set = await call(browser, 'POST', link, {
      form: { password: 'ivy has a passphrase', repeat: 'ivy has a passphrase' },
    });
    expect(set.status).toBe(303);
    expect((await call(browser, 'GET', '/api/me')).body.id).toBe(id);
    expect((await call(null, 'POST', link, { form: { password: 'x', repeat: 'x' } })).status).toBe(409);
    expect((await signIn('ivy@auth.test.psm', 'ivy has a passphrase')).res.status).toBe(200);
  });

  it('password reset: 202 whatever the email; the new password ends every old session', async () => {
    const u = await userWithPassword('resetter');
    const old = await signIn(u.email);
    const unknown = await call(null, 'POST', '/api/auth/password-reset', {
      body: { email: 'ghost@auth.test.psm' },
    });
    const known = await call(null, 'POST', '/api/auth/password-reset', { body: { email: u.email } });
    expect([unknown.status, unknown.text]).toEqual([known.status, known.text]);
    expect(known.status).toBe(202);
    const { mail, link } = await mailTo(u.email);
    expect(mail.subject).toBe('Reset your PSM password');
    const browser = newBrowser();
    const set = await call(browser, 'POST', link, {
      form: { password: 'a fresh passphrase', repeat: 'a fresh passphrase' },
    });
    expect(set.status).toBe(303);
    expect((await call(old.browser, 'GET', '/api/me')).status).toBe(401);
    expect((await call(browser, 'GET', '/api/me')).status).toBe(200);
    expect((await signIn(u.email)).res.status).toBe(401);
    expect((await signIn(u.email, 'a fresh passphrase')).res.status).toBe(200);
  });

  it('asks for a mail at most 3 times per account in the window (no mail bombing)', async () => {
    const u = await userWithPassword('bombed', { password: null });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (
          await call(null, 'POST', '/api/auth/magic-link', {
            body: { email: u.email },
            headers: freshAddress(),
          })
        ).status,
      );
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    await mailTo(u.email, 3);
  });
});

describe('one-click email links and sessions', () => {
  it("a browser signed in as someone else cannot use another person's approval link; the right one can", async () => {
    const created = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
      name: 'Session link deal',
      account: 'Link Co',
      amount: 5000,
    });
    const id = created.body.id as string;
    const asked = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      reason: 'Please approve',
    });
    expect(asked.status).toBe(200);
    const mail = await waitUntil(
      () =>
        app.db.prisma.emailMessage.findFirst({
          where: { opportunityId: id, template: 'approval_request', status: 'sent' },
        }),
      30_000,
      'the approval mail',
    );
    const link = /\/email-actions\/[A-Za-z0-9._-]+/.exec(mail.text)![0];
    const someoneElse = await userWithPassword('bystander');
    const { browser } = await signIn(someoneElse.email);
    const refused = await call(browser, 'GET', link);
    expect(refused.status).toBe(403);
    // The approver (manager A) signed in by cookie sees the confirmation page.
    await app.db.prisma.user.update({
      where: { id: app.org.managerA.id },
      data: { passwordHash: await hashPassword(PASSWORD) },
    });
    const approver = await signIn(app.org.managerA.email);
    expect((await call(approver.browser, 'GET', link)).status).toBe(200);
    // Not signed in: the link alone decides, as before.
    expect((await call(null, 'GET', link)).status).toBe(200);
  }, 60_000);
});
