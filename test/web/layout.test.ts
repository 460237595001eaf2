// Each of the shell's views (sign-in, my deals, a deal, the approvals inbox, new deal) at a phone's
// 390 px width and at a desktop's: no sideways scroll on the phone, and no serious or critical
// axe-core (WCAG 2.1 A/AA) violation at either size, in both languages.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { createDeal, startTestApp, type TestApp } from '../support/app';
import {
  expectText,
  openPage,
  scrollsSideways,
  seriousAxeViolations,
  setLocale,
  signInWithToken,
} from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
let dealId: string;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  await setLocale(app, app.org.managerA, 'zh-CN');
  await setLocale(app, app.org.repA1, 'en');
  // A deal with a long unbroken name (the widest thing a phone must wrap), a stakeholder, an
  // activity and a pending gate approval, so every card of the deal page has content.
  dealId = await createDeal(app, {
    name: '江南银行数据平台二期扩容项目-' + 'X'.repeat(40),
    account: '江南银行',
    amount: 880_000,
  });
  await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/stakeholders`, {
    name: '王总',
    role: 'decision_maker',
    stance: 'sponsor',
  });
  await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/activities`, {
    kind: 'visit',
    occurredAt: new Date().toISOString(),
    note: '拜访 CIO',
  });
  const gate = await app.api(app.org.repA1, 'POST', `/api/opportunities/${dealId}/approvals`, {
    kind: 'milestone_gate',
    milestone: 'project_initiation',
    reason: '需求已确认',
  });
  expect(gate.status).toBeLessThan(300);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const VIEWS: { name: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
  { name: 'my deals', hash: '#/', ready: (p) => p.locator('#deals-table').waitFor() },
  { name: 'the deal page', hash: '', ready: (p) => p.locator('#history li').first().waitFor() },
  { name: 'the approvals inbox', hash: '#/approvals', ready: (p) => p.locator('.approvals').waitFor() },
  { name: 'new deal', hash: '#/new', ready: (p) => p.locator('#new-deal-form').waitFor() },
];

async function check(page: Page, what: string, phone: boolean): Promise<string[]> {
  const problems: string[] = [];
  if (phone) {
    const { scrollWidth, width } = await scrollsSideways(page);
    if (scrollWidth > width)
      problems.push(`${what}: scrolls sideways (${scrollWidth} px content in ${width} px)`);
  }
  for (const v of await seriousAxeViolations(page))
    problems.push(
      `${what}: axe ${v.impact} ${v.id} (${v.help}) at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
  return problems;
}

describe('layouts and accessibility', () => {
  for (const phone of [true, false]) {
    it(`has no sideways scroll and no serious axe violation ${phone ? 'at 390 px' : 'at 1280 px'}`, async () => {
      const size = phone ? { width: 390, height: 844 } : { width: 1280, height: 900 };
      const problems: string[] = [];

      // The sign-in screen, before anyone is known (zh-CN), with a refusal showing.
      const anon = await openPage(browser, size);
      await anon.page.goto(app.baseUrl + '/');
      await anon.page.locator('#signin-form input[name=email]').fill('nobody@test.psm');
      await anon.page.locator('#signin-form input[name=password]').fill('not the password');
      await anon.page.locator('#signin-form button[type=submit]').click();
      await anon.page.locator('#signin-form .form-error').waitFor();
      problems.push(...(await check(anon.page, 'sign-in', phone)));
      await anon.context.close();

      // A manager in Chinese and a rep in English over the other views on the phone; the desktop
      // layout (two columns) once, in Chinese.
      for (const user of phone ? [app.org.managerA, app.org.repA1] : [app.org.managerA]) {
        const { page, context, errors } = await openPage(browser, size);
        await signInWithToken(app, page, user);
        for (const view of VIEWS) {
          await page.goto(`${app.baseUrl}/${view.hash || `#/opportunities/${encodeURIComponent(dealId)}`}`);
          await view.ready(page);
          if (view.hash === '#/approvals' && user === app.org.managerA)
            await expectText(page.locator('.approvals'), '需求已确认');
          problems.push(...(await check(page, `${view.name} (${user.email})`, phone)));
          if (phone)
            await page.screenshot({
              path: `/tmp/psm-390-${view.name.replace(/\W+/g, '-')}.png`,
              fullPage: true,
            });
        }
        expect(errors).toEqual([]);
        await context.close();
      }
      expect(problems).toEqual([]);
    });
  }
});
