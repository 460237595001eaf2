// The handover page (离职继承) against the real book-handover routes, in a real headless Chromium:
// an admin previews a leaver's book (the claim and the open deal listed), runs it, and sees it done;
// the claim and the deal then belong to the successor.
import type { Browser } from 'playwright-core';
import { sendAccountCommand } from '../../src/customers/claims-client';
import { launchChromium } from '../support/browser';
import { createDeal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import { openPage, setLocale, signInWithToken } from './helpers';

jest.setTimeout(240_000);

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  await setLocale(app, app.org.admin, 'en');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('previews a leaver’s book, runs the handover and shows it done', async () => {
  const leaver = app.org.repA2;
  const created = await app.api(app.org.admin, 'POST', '/api/accounts', { name: '厦门鹭岛航运有限公司' });
  const accountId = created.body.id as string;
  await sendAccountCommand({ client: app.client, taskQueue: app.taskQueue }, accountId, 'claim', {
    requestId: `claim-${accountId}`,
    actor: { userId: leaver.id, role: 'rep' },
  });
  const dealId = await createDeal(app, { name: '鹭岛航线', account: '厦门鹭岛航运', amount: 9_000 }, leaver);
  await waitUntil(
    async () => {
      const [account, deal] = await Promise.all([
        app.db.prisma.account.findUnique({ where: { id: accountId } }),
        app.db.prisma.opportunity.findUnique({ where: { id: dealId } }),
      ]);
      return (account?.ownerId === leaver.id && deal !== null) || undefined;
    },
    20_000,
    'claim and deal projected',
  );

  const { page, errors } = await openPage(browser);
  await signInWithToken(app, page, app.org.admin);
  await page.goto(`${app.baseUrl}/#/handover`);
  await page.locator('#handover-from').selectOption(leaver.id);
  await page.locator('#handover-to').selectOption(app.org.repA1.id);
  await page.locator('#handover-reason').fill('resigned');
  await page.locator('#handover-preview').click();
  await page.locator('#handover-dry-run').waitFor({ state: 'visible' });
  expect(await page.locator(`#handover-items li[data-account-id="${accountId}"]`).innerText()).toBe(
    '厦门鹭岛航运有限公司',
  );
  expect(await page.locator(`#handover-items li[data-deal-id="${dealId}"]`).innerText()).toBe('鹭岛航线');

  await page.locator('#handover-run').click();
  await page.locator('#handover-done').waitFor({ state: 'visible', timeout: 60_000 });
  await waitUntil(
    async () =>
      (await app.db.prisma.account.findUnique({ where: { id: accountId } }))?.ownerId === app.org.repA1.id ||
      undefined,
    20_000,
    'claim moved',
  );
  expect((await app.db.prisma.opportunity.findUniqueOrThrow({ where: { id: dealId } })).ownerId).toBe(
    app.org.repA1.id,
  );
  expect(await page.locator('#handover-done').innerText()).toBe('Handed over: 2 of 2.');
  expect(errors).toEqual([]);
});
