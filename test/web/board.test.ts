// The pipeline board in a real headless Chromium against the real app (Temporal, PostgreSQL,
// worker): a deal dragged across a gate is refused by the workflow and goes back with the reason;
// with its criteria and gate met it moves. On a 390 px phone the same happens through the card's
// "move to the next stage" button (no HTML5 drag on touch screens). axe-core finds no serious
// or critical violations.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { approveInitiationGate, createDeal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import {
  expectText,
  openPage,
  scrollsSideways,
  seriousAxeViolations,
  setLocale,
  signInWithToken,
} from './helpers';

jest.setTimeout(180_000);

let app: TestApp;
let browser: Browser;
let gated: string;
let ungated: string;

const card = (page: Page, column: string, id: string) =>
  page.locator(`[data-column="${column}"] [data-deal-id="${id}"]`);
const reachedIndex = async (id: string) =>
  (await app.api(app.org.repA1, 'GET', `/api/opportunities/${id}`)).body.reachedIndex as number;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  // The rep reads the board in Chinese, the manager (below) in English.
  await setLocale(app, app.org.repA1, 'zh-CN');
  gated = await createDeal(app, { name: '华东电网 ERP', account: '华东电网', amount: 800_000 });
  await approveInitiationGate(app, gated);
  ungated = await createDeal(app, { name: 'Ungated pilot', account: 'Acme', amount: 300_000 });
  await waitUntil(
    async () => {
      const board = await app.api(app.org.repA1, 'GET', '/api/board');
      return board.body.columns?.[0]?.count === 2;
    },
    20_000,
    'both deals on the board',
  );
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the pipeline board', () => {
  it('refuses a drag across a gate (card back, with the reason) and moves a deal whose gate and criteria are met', async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.repA1);
    await page.goto(`${app.baseUrl}/#/board`);
    await card(page, 'not_initiated', ungated).waitFor();
    await expectText(page.locator('[data-column="not_initiated"] .board-column-count'), '2 个商机');
    await expectText(page.locator('[data-column="not_initiated"] .board-column-amount'), '110万');

    // Through the gate without its approval: the workflow refuses; the card goes back.
    await page.dragAndDrop(`[data-deal-id="${ungated}"]`, '[data-column="project_initiation"]');
    const form = page.locator('#board-move-form');
    await form.waitFor();
    await expect(card(page, 'project_initiation', ungated).count()).resolves.toBe(1); // shown moving
    await form.getByLabel('客户需求基本明确').check();
    await form.getByLabel('价值定位与公司产品的定位基本相符').check();
    await form.locator('textarea[name=evidence]').fill('需求调研纪要已确认');
    await form.locator('button[type=submit]').click();
    await expectText(form.locator('.form-error'), 'APPROVAL_REQUIRED');
    await expectText(
      card(page, 'not_initiated', ungated).locator('.board-card-refusal'),
      'APPROVAL_REQUIRED',
    );
    await expect(card(page, 'project_initiation', ungated).count()).resolves.toBe(0);
    expect(await reachedIndex(ungated)).toBe(-1);
    await form.getByRole('button', { name: '取消' }).click();
    await form.waitFor({ state: 'detached' });

    // Dropping two columns ahead is not a move at all: no form opens.
    await page.dragAndDrop(`[data-deal-id="${gated}"]`, '[data-column="deep_engagement"]');
    await page.waitForTimeout(300);
    expect(await form.count()).toBe(0);

    // The gated deal, its initiation approved: the form shows the gate, and the move lands.
    await page.dragAndDrop(`[data-deal-id="${gated}"]`, '[data-column="project_initiation"]');
    await form.waitFor();
    await expectText(page.locator('#board-move-gate'), '已批准');
    await form.getByLabel('客户需求基本明确').check();
    await form.getByLabel('价值定位与公司产品的定位基本相符').check();
    await form.locator('textarea[name=evidence]').fill('立项会议纪要，客户已确认需求');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    await card(page, 'project_initiation', gated).waitFor();
    expect(await reachedIndex(gated)).toBe(0);
    // From the server's board too, after a reload.
    await page.reload();
    await card(page, 'project_initiation', gated).waitFor();
    await expectText(page.locator('[data-column="project_initiation"] .board-column-count'), '1 个商机');
    await expectText(page.locator('[data-column="project_initiation"] .board-column-weighted'), '4万');

    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a 390 px phone, moves a deal with the card button and puts it back with the missing criteria', async () => {
    const { page, context, errors } = await openPage(browser, { width: 390, height: 844 });
    await signInWithToken(app, page, app.org.repA1);
    await page.goto(`${app.baseUrl}/#/board`);
    const atInitiation = card(page, 'project_initiation', gated);
    await atInitiation.waitFor();
    await atInitiation.getByRole('button', { name: /深度接触/ }).click();
    const form = page.locator('#board-move-form');
    await form.waitFor();
    await form.getByLabel('客户内部有支持者').check();
    await form.locator('textarea[name=evidence]').fill('拜访纪要');
    await form.locator('button[type=submit]').click();
    await expectText(form.locator('.form-error'), 'CRITERIA_NOT_MET');
    await expectText(atInitiation.locator('.board-card-refusal'), 'CRITERIA_NOT_MET');
    expect(await reachedIndex(gated)).toBe(0);

    await form.getByLabel('决策结构清楚（批准者、决策者、评估者已明确）').check();
    await form.getByLabel('项目时间表和预算已明确').check();
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    await card(page, 'deep_engagement', gated).waitFor();
    await waitUntil(async () => (await reachedIndex(gated)) === 1, 10_000, 'deep engagement reached');
    expect(await atInitiation.count()).toBe(0);

    const { scrollWidth, width } = await scrollsSideways(page);
    expect(scrollWidth).toBeLessThanOrEqual(width);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("gives a manager their line's deals, filtered by owner", async () => {
    const { page, context } = await openPage(browser);
    await signInWithToken(app, page, app.org.managerA);
    await page.goto(`${app.baseUrl}/#/board`);
    await card(page, 'not_initiated', ungated).waitFor();
    await page.locator('#board-filter-owner').selectOption({ label: 'Ravi Rep' });
    await page.locator('[data-deal-id]').first().waitFor({ state: 'detached' });
    await expectText(page.locator('[data-column="not_initiated"] .board-column-count'), '0 deals');
    await page.locator('#board-filter-owner').selectOption({ label: 'Rita Rep' });
    await card(page, 'not_initiated', ungated).waitFor();
    await context.close();
  });
});
