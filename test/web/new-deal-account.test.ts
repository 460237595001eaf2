// The new-deal form offers my claimed accounts (issue 11), in a real headless Chromium against the
// real app: picking one sends its accountId (the deal joins that very account, which moves to
// intent); a name that is not one of my claims goes by name as before.
import type { Browser } from 'playwright-core';
import { sendAccountCommand } from '../../src/customers/claims-client';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import { openPage, setLocale, signInWithToken } from './helpers';

jest.setTimeout(240_000);

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  await setLocale(app, app.org.repA1, 'zh-CN');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('picks one of my accounts by id, and types any other by name', async () => {
  const created = await app.api(app.org.managerA, 'POST', '/api/accounts', { name: '无锡太湖精工有限公司' });
  const accountId = created.body.id as string;
  await sendAccountCommand({ client: app.client, taskQueue: app.taskQueue }, accountId, 'claim', {
    requestId: `claim-${accountId}`,
    actor: { userId: app.org.repA1.id, role: 'rep' },
  });
  await waitUntil(
    async () =>
      (await app.db.prisma.account.findUnique({ where: { id: accountId } }))?.ownerId === app.org.repA1.id ||
      undefined,
    20_000,
    'claim projected',
  );

  const { page, errors } = await openPage(browser);
  const bodies: Record<string, unknown>[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && req.url().endsWith('/api/opportunities'))
      bodies.push(JSON.parse(req.postData() ?? '{}') as Record<string, unknown>);
  });
  await signInWithToken(app, page, app.org.repA1);

  const create = async (dealName: string, account: string) => {
    await page.goto(`${app.baseUrl}/#/new`);
    const form = page.locator('#new-deal-form');
    await form.getByLabel('商机名称').fill(dealName);
    await form.getByLabel('客户').fill(account);
    await form.getByLabel('金额').fill('12000');
    await form.getByRole('button', { name: '创建商机' }).click();
    await page.waitForURL(/#\/opportunities\/opp-/);
    return decodeURIComponent(page.url().split('#/opportunities/')[1] ?? '');
  };

  // The list offers my claim.
  await page.goto(`${app.baseUrl}/#/new`);
  await waitUntil(
    async () => (await page.locator('#my-accounts option').count()) === 1 || undefined,
    15_000,
    'my claims offered',
  );
  expect(await page.locator('#my-accounts option').first().getAttribute('value')).toBe(
    '无锡太湖精工有限公司',
  );

  const byId = await create('太湖精工一期', '无锡太湖精工有限公司');
  expect(bodies[0]).toMatchObject({ accountId, name: '太湖精工一期' });
  expect(bodies[0]).not.toHaveProperty('account');
  await waitUntil(
    async () =>
      (await app.db.prisma.opportunity.findUnique({ where: { id: byId } }))?.accountId === accountId ||
      undefined,
    20_000,
    'deal linked to my account',
  );

  await create('新客户试单', '常州新北电子');
  expect(bodies[1]).toMatchObject({ account: '常州新北电子' });
  expect(bodies[1]).not.toHaveProperty('accountId');
  expect(errors).toEqual([]);
});
