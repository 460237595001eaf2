// The settings view in Chromium against the real app with WeCom and three group robots configured:
// a rep sets the channel they are reached on, a manager picks the team's robot, both stored through
// the channel API; refusals by code; no sideways scroll at 390 px and no serious axe violation.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { ROBOTS } from '../notify/helpers';
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

beforeAll(async () => {
  app = await startTestApp({
    env: {
      WECOM_CORP_ID: 'ww-web-test',
      WECOM_AGENT_ID: '1000002',
      WECOM_APP_SECRET: 'wecom-web-test-secret-0001',
      IM_ROBOTS: JSON.stringify(ROBOTS),
    },
  });
  browser = await launchChromium();
  await setLocale(app, app.org.repA1, 'zh-CN');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('a rep sets their notification channel and a manager the team robot, in the page', async () => {
  const rep = await openPage(browser, { width: 390, height: 844 });
  await signInWithToken(app, rep.page, app.org.repA1);
  await rep.page.getByRole('link', { name: '设置' }).click();
  const form = rep.page.locator('#channels-form');
  await expectText(form, '企业微信应用消息');
  // Only the configured app channel is offered for a person (robots post to groups).
  expect(await form.locator('li.channel-row').count()).toBe(1);

  // An id with a space is refused by code, and nothing is stored.
  await form.getByLabel('企业微信应用消息').fill('rep a1');
  await form.getByRole('button', { name: '保存通知渠道' }).click();
  await expectText(form.locator('.form-error'), 'INVALID_INPUT');
  expect((await app.api(app.org.repA1, 'GET', `/api/users/${app.org.repA1.id}/channels`)).body).toEqual({
    channels: [],
  });

  await form.getByLabel('企业微信应用消息').fill('rep.a1');
  await form.getByRole('button', { name: '保存通知渠道' }).click();
  await expectText(rep.page.locator('.toast'), '已保存');
  expect((await app.api(app.org.managerA, 'GET', `/api/users/${app.org.repA1.id}/channels`)).body).toEqual({
    channels: [{ channel: 'wecom_app', platformUserId: 'rep.a1' }],
  });
  // Reps have no team robot section.
  expect(await rep.page.locator('#team-robots-form').count()).toBe(0);
  const { scrollWidth, width } = await scrollsSideways(rep.page);
  expect(scrollWidth).toBeLessThanOrEqual(width);
  expect(await seriousAxeViolations(rep.page)).toEqual([]);
  expect(rep.errors).toEqual([]);
  await rep.context.close();

  // The manager (English) picks the team's WeCom robot; the reload shows what is stored.
  const manager = await openPage(browser);
  await signInWithToken(app, manager.page, app.org.managerA);
  await manager.page.goto(`${app.baseUrl}/#/settings`);
  const robots = manager.page.locator('#team-robots-form');
  await robots.getByLabel('WeCom group robot').selectOption('wecom-team');
  await robots.getByRole('button', { name: 'Save robots' }).click();
  await expectText(manager.page.locator('.toast'), 'Saved');
  expect(
    (await app.api(app.org.managerA, 'GET', `/api/users/${app.org.managerA.id}/team-robots`)).body,
  ).toEqual({
    robots: [{ channel: 'wecom_robot', robot: 'wecom-team' }],
  });
  await manager.page.reload();
  await manager.page.locator('#team-robots-form select[name=wecom_robot]').waitFor();
  await expectText(
    manager.page.locator('#team-robots-form select[name=wecom_robot] option:checked'),
    'wecom-team',
  );
  expect(await seriousAxeViolations(manager.page)).toEqual([]);
  expect(manager.errors).toEqual([]);
  await manager.context.close();
});
