// The customer pages over accounts and contacts (issue 11) in a real headless Chromium against the
// real app and PostgreSQL: a rep searches the public pool by part of a name (normalised) and filters
// it by industry and tag; the account page shows its contacts and adds one; a CSV dry run reports
// each line (refused lines with their reason) and writes nothing, then the real import creates
// what it said.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import { expectText, openPage, setLocale, signInWithToken } from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
const ids: Record<string, string> = {};

async function createAccount(body: Record<string, unknown>): Promise<string> {
  const res = await app.api(app.org.admin, 'POST', '/api/accounts', body);
  if (res.status !== 201) throw new Error(`POST /api/accounts: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
  await setLocale(app, app.org.repA1, 'en');
  await setLocale(app, app.org.managerA, 'zh-CN');
  ids.cloud = await createAccount({
    name: '杭州云栖科技有限公司',
    industry: '软件',
    region: '浙江',
    tags: ['重点'],
    contacts: [{ name: '李雷', title: 'CIO', role: 'decision_maker', stance: 'supporter' }],
  });
  ids.factory = await createAccount({ name: '苏州园区智造有限公司', industry: '制造', region: '江苏' });
  ids.port = await createAccount({ name: 'Pudong Port Logistics', industry: 'Logistics', region: '上海' });
  ids.star = await createAccount({ name: '北京星河信息技术股份有限公司', industry: '软件', region: '北京' });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const row = (page: Page, table: string, id: string) => page.locator(`${table} tr[data-account-id="${id}"]`);
const rowCount = (page: Page) => page.locator('#pool-table tbody tr').count();

describe('customer pages: pool, account, import', () => {
  it('lets a rep search the pool by part of the name and filter it by industry and tag', async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.repA1);
    await page.locator('#nav a[href="#/pool"]').click();
    for (const id of Object.values(ids)) await row(page, '#pool-table', id).waitFor();

    // Part of the name, full-width and with the legal-form suffix of another spelling: normalised.
    await page.locator('#pool-q').fill('云栖科技股份有限公司');
    await page.locator('#pool-search-button').click();
    await waitUntil(async () => (await rowCount(page)) === 1, 10_000, 'one row for the name');
    await row(page, '#pool-table', ids.cloud!).waitFor();

    await page.locator('#pool-q').fill('');
    await page.locator('#pool-industry').fill('制造');
    await page.locator('#pool-search-button').click();
    await waitUntil(async () => (await rowCount(page)) === 1, 10_000, 'one row for the industry');
    await row(page, '#pool-table', ids.factory!).waitFor();

    await page.locator('#pool-industry').fill('');
    await page.locator('#pool-tag').fill('重点');
    await page.locator('#pool-search-button').click();
    await waitUntil(async () => (await rowCount(page)) === 1, 10_000, 'one row for the tag');
    await row(page, '#pool-table', ids.cloud!).waitFor();

    await page.locator('#pool-tag').fill('');
    await page.locator('#pool-region').fill('火星');
    await page.locator('#pool-search-button').click();
    await expectText(page.locator('#main'), 'No account matches.');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows an account's facts and contacts in the stakeholder vocabulary, and adds a contact", async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.managerA);
    await page.goto(`${app.baseUrl}/#/pool`);
    await row(page, '#pool-table', ids.cloud!).locator('a.deal-link').click();
    await expectText(page.locator('#account-name'), '杭州云栖科技有限公司');
    await expectText(page.locator('#account-facts'), '浙江');
    await expectText(page.locator('#account-owner'), '公海');
    await expectText(page.locator('#account-contacts'), '李雷');
    await expectText(page.locator('#account-contacts'), 'CIO');
    await expectText(page.locator('#account-contacts'), '决策者'); // web.json stakeholderRole, zh-CN
    await expectText(page.locator('#account-contacts'), '决策者 · 支持');
    await expectText(page.locator('#account-deals-title ~ p'), '还没有商机');

    await page.locator('#contacts-title ~ details summary').click();
    await page.locator('#contact-form input[name=name]').fill('韩梅梅');
    await page.locator('#contact-form input[name=email]').fill('han@example.cn');
    await page.locator('#contact-form select[name=stance]').selectOption('sponsor');
    await page.locator('#contact-form button[type=submit]').click();
    await expectText(page.locator('#account-contacts'), '韩梅梅');
    const stored = await app.db.prisma.contact.findMany({
      where: { accountId: ids.cloud! },
      orderBy: { name: 'asc' },
    });
    expect(stored.map((c) => [c.name, c.stance, c.email])).toEqual(
      expect.arrayContaining([
        ['韩梅梅', 'sponsor', 'han@example.cn'],
        ['李雷', 'supporter', null],
      ]),
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows an import dry run line by line, refused lines with their reason, writes nothing, then imports', async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.repA1);
    await page.locator('#nav a[href="#/pool"]').click();
    await page.locator('#pool-import-link').click();
    const before = await app.db.prisma.account.count();
    const csv = [
      'name,creditCode,industry,region',
      '北京星河信息技术有限公司,,软件,北京', // the pool's 北京星河… 股份有限公司: a duplicate
      '宁波甬江新材料有限公司,91330200MA2XXXXXX1,材料,浙江', // not a valid credit code
      '宁波甬江港务有限公司,,物流,浙江',
    ].join('\r\n');
    await page.locator('#import-file').setInputFiles({
      name: 'accounts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]),
    });
    await page.locator('#import-dry-run').click();
    await page.locator('#import-report[data-dry-run="true"]').waitFor();
    const lines = await page
      .locator('#import-lines tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-line'), tr.getAttribute('data-action')]));
    expect(lines).toEqual([
      ['2', 'refuse'],
      ['3', 'refuse'],
      ['4', 'create'],
    ]);
    await expectText(page.locator('#import-lines tr[data-line="2"]'), 'in_pool');
    await expectText(page.locator('#import-lines tr[data-line="3"]'), 'credit_code_invalid');
    await expectText(page.locator('#import-summary'), '1 to create, 0 to merge, 2 refused.');
    expect(await app.db.prisma.account.count()).toBe(before);

    await page.locator('#import-run').click();
    await page.locator('#import-report[data-dry-run="false"]').waitFor();
    await expectText(page.locator('#import-summary'), '1 created, 0 merged, 2 refused.');
    await expectText(page.locator('#import-lines tr[data-line="4"]'), '宁波甬江港务有限公司');
    expect(await app.db.prisma.account.count()).toBe(before + 1);
    expect(await app.db.prisma.account.findFirst({ where: { name: '宁波甬江港务有限公司' } })).not.toBeNull();

    // The same file again: the first import's report, nothing written twice.
    await page.locator('#import-dry-run').click();
    await page.locator('#import-report[data-dry-run="true"]').waitFor();
    expect(await app.db.prisma.account.count()).toBe(before + 1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
