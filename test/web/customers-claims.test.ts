// Claims (报备) on the customer pages (issue 11) in a real headless Chromium against the real app,
// Temporal and PostgreSQL: a rep claims an account from the pool page and finds it on their list
// with its days left and lapse day (what GET /api/me/claims says); on the account page they log a
// sales action and a business signal, and the journal and owner history show what happened; their
// manager releases the claim from the same page.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { expectText, openPage, setLocale, signInWithToken } from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
let accountId: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
  await setLocale(app, app.org.repA1, 'en');
  const res = await app.api(app.org.admin, 'POST', '/api/accounts', {
    name: 'Claims Browser Trading Co., Ltd.',
    industry: 'Trading',
    region: 'Shanghai',
  });
  if (res.status !== 201) throw new Error(`POST /api/accounts: ${res.status} ${JSON.stringify(res.body)}`);
  accountId = (res.body as { id: string }).id;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('claims on the customer pages', () => {
  it('claims from the pool and shows the claim on my list with its days left', async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.repA1);
    await page.locator('#nav a[href="#/pool"]').click();
    const poolRow = page.locator(`#pool-table tr[data-account-id="${accountId}"]`);
    await poolRow.locator('button.claim').click();
    await expectText(page.locator('body'), 'Claims Browser Trading Co., Ltd. is on your list.');
    await poolRow.locator('button.claim').waitFor({ state: 'detached' });
    const stored = await app.db.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    expect(stored.ownerId).toBe(app.org.repA1.id);

    const mine = (await app.api(app.org.repA1, 'GET', '/api/me/claims')).body as {
      claims: { accountId: string; daysLeft: number }[];
      held: number;
      cap: number;
    };
    const claim = mine.claims.find((c) => c.accountId === accountId)!;
    await page.locator('#nav a[href="#/my-accounts"]').click();
    const mineRow = page.locator(`#claims-table tr[data-account-id="${accountId}"]`);
    await expectText(mineRow.locator('.days-left'), `${claim.daysLeft} days`);
    expect(claim.daysLeft).toBeGreaterThan(30);
    // The lapse day as the team's calendar writes it (yyyy-mm-dd or a localised date): not empty.
    expect((await mineRow.locator('.lapses-on').innerText()).trim()).not.toBe('—');
    await expectText(page.locator('#claims-count'), `${mine.held}`);
    await expectText(page.locator('#claims-count'), `${mine.cap}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('logs a sales action and a signal on the account page; its journal and owner history show them', async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.repA1);
    await page.goto(`${app.baseUrl}/#/accounts/${accountId}`);
    await expectText(page.locator('#account-name'), 'Claims Browser Trading');
    await page.locator('#owner-history li[data-reason="claim"]').waitFor();
    const before = await app.db.prisma.account.findUniqueOrThrow({ where: { id: accountId } });

    await page.locator('#sales-action-form select[name=kind]').selectOption('visit');
    await page.locator('#sales-action-form input[name=note]').fill('met the buyer');
    await page.locator('#sales-action-form button[type=submit]').click();
    await page.locator('#account-journal li[data-type="sales_action"]').waitFor();
    await expectText(page.locator('#account-journal li[data-type="sales_action"]'), 'met the buyer');
    const after = await app.db.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    expect(after.lapsesAt!.getTime()).toBeGreaterThan(before.lapsesAt!.getTime());

    await page.locator('#signal-form select[name=signal]').selectOption('contract_expiring');
    await page.locator('#signal-form input[name=note]').fill('contract ends in March');
    await page.locator('#signal-form button[type=submit]').click();
    await page.locator('#account-journal li[data-type="business_signal"]').waitFor();
    await expectText(
      page.locator('#account-journal li[data-type="business_signal"]'),
      'contract ends in March',
    );
    await page.locator('#account-journal li[data-type="funnel_moved"]').first().waitFor();

    const ownerRows = page.locator('#owner-history li');
    expect(await ownerRows.count()).toBe(1);
    await expectText(ownerRows.first(), 'Rita Rep');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("lets the holder's manager release the claim from the account page", async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.managerA);
    await page.goto(`${app.baseUrl}/#/accounts/${accountId}`);
    await page.locator('#account-release').click();
    await page.locator('#owner-history li[data-reason="release"]').waitFor();
    await page.locator('#account-release').waitFor({ state: 'detached' });
    const stored = await app.db.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    expect(stored.ownerId).toBeNull();
    const last = await app.db.prisma.accountOwnerChange.findFirstOrThrow({
      where: { accountId },
      orderBy: { at: 'desc' },
    });
    expect({ reason: last.reason, actorId: last.actorId, fromUserId: last.fromUserId }).toEqual({
      reason: 'release',
      actorId: app.org.managerA.id,
      fromUserId: app.org.repA1.id,
    });
    expect(errors).toEqual([]);
    await context.close();
  });
});
