// The settings view orders a person's channels (issue 13): with WeCom and Feishu apps configured, a
// rep enters both platform ids, moves Feishu above WeCom and saves; the channel API stores that
// order, and a reload shows the rows in it. At 390 px, no sideways scroll, no serious axe violation.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { expectText, openPage, scrollsSideways, seriousAxeViolations, signInWithToken } from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp({
    env: {
      WECOM_CORP_ID: 'ww-web-order',
      WECOM_AGENT_ID: '1000002',
      WECOM_APP_SECRET: 'wecom-web-order-secret-0001',
      FEISHU_APP_ID: 'cli_web_order_0001',
      FEISHU_APP_SECRET: 'feishu-web-order-secret-0001',
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const rowOrder = (page: Page) =>
  page
    .locator('#channels-form li.channel-row')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-channel')));

it('a rep puts Feishu before WeCom; the order is stored and shown after a reload', async () => {
  const rep = await openPage(browser, { width: 390, height: 844 });
  const user = app.org.repA2; // English
  await signInWithToken(app, rep.page, user);
  await rep.page.goto(`${app.baseUrl}/#/settings`);
  const form = rep.page.locator('#channels-form');
  await expectText(form, 'Feishu app message');
  expect(await rowOrder(rep.page)).toEqual(['wecom_app', 'feishu_app']);

  await form.getByRole('textbox', { name: 'WeCom app message' }).fill('ravi.rep');
  await form.getByRole('textbox', { name: 'Feishu app message' }).fill('ou_ravi_0001');
  await form.getByRole('button', { name: 'Move Feishu app message up' }).click();
  expect(await rowOrder(rep.page)).toEqual(['feishu_app', 'wecom_app']);
  // The typed ids moved with their rows.
  expect(await form.getByRole('textbox', { name: 'Feishu app message' }).inputValue()).toBe('ou_ravi_0001');
  await form.getByRole('button', { name: 'Save channels' }).click();
  await expectText(rep.page.locator('.toast'), 'Saved');
  expect((await app.api(user, 'GET', `/api/users/${user.id}/channels`)).body).toEqual({
    channels: [
      { channel: 'feishu_app', platformUserId: 'ou_ravi_0001' },
      { channel: 'wecom_app', platformUserId: 'ravi.rep' },
    ],
  });

  await rep.page.reload();
  await rep.page.locator('#channels-form li.channel-row').first().waitFor();
  expect(await rowOrder(rep.page)).toEqual(['feishu_app', 'wecom_app']);
  expect(
    await rep.page.locator('#channels-form').getByRole('textbox', { name: 'WeCom app message' }).inputValue(),
  ).toBe('ravi.rep');
  const { scrollWidth, width } = await scrollsSideways(rep.page);
  expect(scrollWidth).toBeLessThanOrEqual(width);
  expect(await seriousAxeViolations(rep.page)).toEqual([]);
  expect(rep.errors).toEqual([]);
  await rep.context.close();
});
