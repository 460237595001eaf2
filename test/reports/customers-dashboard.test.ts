// The six-step customer funnel panel of the manager dashboard in a real headless Chromium against
// the real app, over the quarter of account journal in customers-seed.ts (numbers worked out by
// hand there and checked through the API in customers-reports.test.ts): the ECharts funnel draws
// and the table beside it carries the same figures.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { expectText, openPage, seriousAxeViolations, signInWithToken } from '../web/helpers';
import { seedCustomerQuarter } from './customers-seed';

jest.setTimeout(180_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  app = await startTestApp();
  await seedCustomerQuarter(app.db.prisma, app.org, new Date());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function tableRows(page: Page, id: string): Promise<string[][]> {
  const rows = page.locator(`#${id} tr`);
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    out.push((await rows.nth(i).locator('th, td').allInnerTexts()).map((s) => s.trim()));
  }
  return out;
}

describe('dashboard: customer funnel panel', () => {
  it("draws a manager's line's six steps for the period with the numbers as a table", async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.managerA); // locale en
    await page.goto(`${app.baseUrl}/#/dashboard`);
    await page.locator('#dash-forecast-table').waitFor();
    await page.locator('#dashboard-period').selectOption('custom');
    await page.locator('#dashboard-from').fill('2026-01-01');
    await page.locator('#dashboard-to').fill('2026-03-31');
    await expectText(page.locator('#dash-customers-table'), 'Listed (claimed)');
    await expectText(page.locator('#dash-customers-table'), '6');
    expect(await tableRows(page, 'dash-customers-table')).toEqual([
      ['Step', 'Now', 'Reached', 'Conversion to next'],
      ['Target', '0', '0', '—'],
      ['Listed (claimed)', '1', '6', '50%'],
      ['Potential', '2', '4', '75%'],
      ['Intent', '1', '3', '66.7%'],
      ['Order', '2', '3', '33.3%'],
      ['Active customer', '1', '1', '—'],
    ]);
    await expectText(
      page.locator('#dash-customers-success'),
      '2 of 6 accounts claimed in the period reached an order (33.3%)',
    );
    await expectText(page.locator('#dash-customers-success'), 'fewer than 15%');
    await page.locator('#dash-customers-chart[data-rendered="true"] svg').waitFor();
    expect(await page.locator('#dash-customers-chart').getAttribute('aria-label')).toBe(
      'Accounts reaching each step: Target 0, Listed (claimed) 6, Potential 4, Intent 3, Order 3, Active customer 1',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
