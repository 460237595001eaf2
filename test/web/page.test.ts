// The deal page, the approvals inbox and the new-deal form in a real headless Chromium against the
// real app (real Temporal, PostgreSQL and worker), driven the way a rep (in Chinese) and a manager
// (in English) use them. Sign-in paths are in sign-in.test.ts; layouts and axe in layout.test.ts.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';
import { expectText, openPage, refreshUntilVisible, setLocale, signInWithToken, UUID } from './helpers';

type PageGlobals = { __xss?: number };

jest.setTimeout(240_000);

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  await setLocale(app, app.org.repA1, 'zh-CN');
  await setLocale(app, app.org.managerA, 'en');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const nextMilestone = (page: Page) => page.locator('#next-milestone');

describe('the deal page, approvals inbox and new-deal form', () => {
  it('takes a deal from creation through project initiation, with a manager approving in the inbox', async () => {
    const rep = await openPage(browser);
    const { page } = rep;
    await signInWithToken(app, page, app.org.repA1);
    // The rep's stored locale is zh-CN: Chinese only, never "中文 · English" side by side.
    await expectText(page.locator('#whoami-name'), /Rita Rep · 销售/);
    await expectText(page.locator('h1'), '我的商机');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('body').innerText()).not.toMatch(/My deals|Sign out/);

    // Commands carry an Idempotency-Key (a UUID) and, by cookie, no bearer token leaks into storage.
    const commandKeys: string[] = [];
    page.on('request', (req) => {
      if (req.method() !== 'GET' && req.url().includes('/api/opportunities'))
        commandKeys.push(req.headers()['idempotency-key'] ?? '');
    });

    // New deal; the name carries markup that must show as text, never run.
    const name = 'Acme 数据平台 <img src=x onerror="window.__xss=1">';
    await page.getByRole('link', { name: '＋ 新建商机' }).first().click();
    const form = page.locator('#new-deal-form');
    await form.getByLabel('商机名称').fill(name);
    await form.getByLabel('客户').fill('江南银行');
    await form.getByLabel('金额').fill('250000');
    await form.getByLabel('预计签约日期').fill('2027-03-31');
    await form.getByRole('button', { name: '创建商机' }).click();
    await page.waitForURL(/#\/opportunities\/opp-/);
    await expectText(page.locator('#deal-name'), name);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss)).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);
    const dealId = decodeURIComponent(page.url().split('#/opportunities/')[1]!);
    expect(commandKeys).toHaveLength(1);
    expect(commandKeys[0]).toMatch(UUID);
    // Locale formatting: the amount in full with ¥ and grouping, the close date as 2027年3月31日.
    await expectText(page.locator('.deal-head'), '¥250,000');
    await expectText(page.locator('.deal-head'), '2027年3月31日');

    // Completing with a criterion missing is refused (422); the reason comes from the catalog
    // by code and details: the code, the rule and the missing criterion's Chinese label.
    await expectText(nextMilestone(page).locator('h2'), '项目立项');
    await nextMilestone(page).getByLabel('客户需求基本明确').check();
    await nextMilestone(page).locator('textarea[name=evidence]').fill('启动会纪要');
    await nextMilestone(page).getByRole('button', { name: '完成「项目立项」' }).click();
    const refusal = nextMilestone(page).locator('form.complete .form-error');
    await expectText(refusal, '流程规则不允许');
    await expectText(refusal, 'CRITERIA_NOT_MET');
    await expectText(refusal, '须全部满足');
    await expectText(refusal, '价值定位与公司产品的定位基本相符');
    expect(await refusal.innerText()).not.toMatch(/Value positioning|criteria not met/i);
    await nextMilestone(page).screenshot({ path: '/tmp/psm-refusal.png' });

    // All criteria but no approval yet: refused for the gate.
    await nextMilestone(page).getByLabel('价值定位与公司产品的定位基本相符').check();
    await nextMilestone(page).getByRole('button', { name: '完成「项目立项」' }).click();
    await expectText(refusal, 'APPROVAL_REQUIRED');
    await expectText(refusal, '该里程碑需要先申请并获得审批');

    // Request the initiation approval from the deal page; typed criteria survive the re-render.
    await nextMilestone(page).locator('form.quick-gate input[name=reason]').fill('CIO 已确认需求');
    await nextMilestone(page).getByRole('button', { name: '申请审批' }).click();
    await expectText(nextMilestone(page).locator('.gate'), '待审批');
    expect(await nextMilestone(page).getByLabel('价值定位与公司产品的定位基本相符').isChecked()).toBe(true);
    await expectText(page.locator('#deal-approvals'), 'CIO 已确认需求');

    // The manager (English) approves from "Approvals waiting for me".
    const manager = await openPage(browser);
    await signInWithToken(app, manager.page, app.org.managerA);
    await manager.page.getByRole('link', { name: /^Approvals/ }).click();
    const card = manager.page.locator('article.approval', { hasText: 'Acme 数据平台' });
    await refreshUntilVisible(manager.page, card, /^Refresh$/, 'the approval card');
    await expectText(manager.page.locator('#approval-count'), '1');
    await expectText(card, 'CIO 已确认需求');
    await expectText(card, 'Rita Rep');
    await expectText(card, 'Project initiation');
    expect(await card.innerText()).not.toContain('项目立项');
    await manager.page.screenshot({ path: '/tmp/psm-approvals.png' });
    await card.locator('input[name=comment]').fill('Go ahead');
    await card.getByRole('button', { name: 'Approve' }).click();
    await expectText(manager.page.locator('.card.done'), /Decided/);

    // The rep sees the approval and completes the milestone.
    await page.getByRole('button', { name: '刷新' }).click();
    await expectText(nextMilestone(page).locator('.gate'), '已批准');
    await nextMilestone(page).locator('textarea[name=evidence]').fill('启动会纪要；CIO 确认了需求');
    await nextMilestone(page).getByRole('button', { name: '完成「项目立项」' }).click();
    await expectText(nextMilestone(page).locator('h2'), '深度接触');
    await expectText(page.locator('.stepper .step.reached'), '项目立项');
    await expectText(page.locator('#history'), 'CIO 确认了需求');
    await expectText(page.locator('#deal-approvals'), 'Go ahead');

    // Log an activity: it shows in the history.
    await page.locator('#activity-form select[name=kind]').selectOption('meeting');
    await page.locator('#activity-form textarea[name=note]').fill('与数据团队的研讨会');
    await page.getByRole('button', { name: '记录活动' }).last().click();
    const logged = page.locator('#history li[data-type=activity_logged]').first();
    await expectText(logged, '记录销售活动');
    await expectText(logged, '会议');
    await expectText(logged, '与数据团队的研讨会');

    // The next reminders, with relative times in Chinese (下周, 2周后).
    await expectText(page.locator('.timers'), /\d+(周|天)后/);

    // A discount without an amount: refused 400 INVALID_INPUT; the sentence comes from the shared
    // errors catalog by code, the field from the path in the details.
    const request = page.locator('#approval-request-form');
    await request.locator('select[name=kind]').selectOption('discount');
    await request.locator('textarea[name=reason]').fill('年底促销');
    await request.getByRole('button', { name: '提交审批申请' }).click();
    await expectText(request.locator('.form-error'), 'INVALID_INPUT');
    await expectText(request.locator('.form-error'), '输入有误，请检查后重试。');
    await expectText(request.locator('.form-error'), '金额：不符合要求');
    expect(await request.locator('.form-error').innerText()).not.toMatch(/[a-z]{4,} [a-z]{4,}/);

    // A stakeholder, a checklist tick, and putting the deal on hold then resuming it.
    await page.locator('summary', { hasText: '添加干系人' }).click();
    await page.locator('#stakeholder-form input[name=name]').fill('王总');
    await page.locator('#stakeholder-form select[name=stance]').selectOption('sponsor');
    await page.getByRole('button', { name: '添加干系人' }).click();
    await expectText(page.locator('.stakeholders'), '王总');
    await expectText(page.locator('.stakeholders'), '支持者（发起人）');
    const tick = page.locator('details.checklist[data-step=deep_engagement] input[data-item]').first();
    await tick.check();
    await waitUntil(async () => (await tick.isChecked()) && !(await tick.isDisabled()), 15_000, 'the tick');
    await expectText(page.locator('#history li[data-type=checklist_ticked]').first(), '☑');

    await page.locator('#hold-form input[name=reason]').fill('客户预算冻结');
    await page.getByRole('button', { name: '暂停' }).click();
    await expectText(page.locator('.deal-head'), '暂停原因：客户预算冻结');
    await expectText(page.locator('.deal-head .badges'), '已暂停');
    await page.getByRole('button', { name: '恢复' }).click();
    await expectText(page.locator('.deal-head .badges'), '进行中');

    await page.screenshot({ path: '/tmp/psm-page.png', fullPage: true });

    // Every command carried its own UUID key.
    expect(commandKeys.length).toBeGreaterThanOrEqual(8);
    for (const key of commandKeys) expect(key).toMatch(UUID);
    expect(new Set(commandKeys).size).toBe(commandKeys.length);

    // My deals updates from the read model: the deal has reached 项目立项 (5 %).
    await page.getByRole('link', { name: '我的商机' }).first().click();
    // The route change moves focus to the main region (a screen reader hears the new view).
    await waitUntil(
      async () => (await page.evaluate(() => (globalThis as any).document.activeElement?.id)) === 'main',
      5_000,
      'focus on <main>',
    );
    const row = page.locator('#deals-table tr', { hasText: 'Acme 数据平台' });
    await waitUntil(
      async () => (await row.isVisible()) && /\b5%/.test(await row.innerText()),
      30_000,
      'the list to show 5%',
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; the list shows: ${await page.locator('main').innerText()}`);
    });
    await expectText(row, '项目立项');
    // Its step is 项目立项's place in the process shown, found by the milestone's key.
    expect(await row.locator('.step-no').innerText()).toMatch(/^1\/\d+$/);
    await expectText(row, '进行中');
    await expectText(page.locator('.summary'), '1 个商机');
    await page.screenshot({ path: '/tmp/psm-list.png', fullPage: true });

    // Filters go to the API: no deal is at contract signing.
    await page.locator('#deal-filters select[name=milestone]').selectOption('contract_signed');
    await expectText(page.locator('.table-host'), '没有符合条件的商机');

    // The email link form of the address opens the deal directly.
    await manager.page.goto(`${app.baseUrl}/#/opportunities/${encodeURIComponent(dealId)}`);
    await expectText(manager.page.locator('#deal-name'), name);
    await expectText(manager.page.locator('#next-milestone h2'), 'Deep engagement');

    expect(rep.errors).toEqual([]);
    expect(manager.errors).toEqual([]);
    await rep.context.close();
    await manager.context.close();
  });

  it('retries a command whose answer was lost with the same Idempotency-Key, and applies it once', async () => {
    const created = await app.api(app.org.repA2, 'POST', '/api/opportunities', {
      name: 'Retry deal',
      account: 'Acme',
      amount: 1000,
    });
    expect(created.status).toBe(201);
    const { page, context } = await openPage(browser);
    await signInWithToken(app, page, app.org.repA2);
    await page.goto(`${app.baseUrl}/#/opportunities/${encodeURIComponent(created.body.id as string)}`);
    await expectText(page.locator('#deal-name'), 'Retry deal');

    // The first submission reaches the server, but its answer never reaches the page.
    const keys: string[] = [];
    let dropAnswer = true;
    await page.route('**/activities', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (dropAnswer) {
        dropAnswer = false;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    // repA2's stored locale is en (the test org's default).
    await page.locator('#activity-form textarea[name=note]').fill('Called the buyer');
    await page.getByRole('button', { name: 'Log activity' }).click();
    await expectText(page.locator('#activity-form .form-error'), 'Could not reach the server');
    await expectText(page.locator('#activity-form .form-error'), 'NETWORK');
    await page.getByRole('button', { name: 'Log activity' }).click();
    await expectText(page.locator('#history li[data-type=activity_logged]').first(), 'Called the buyer');

    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toBe(keys[0]);
    const state = await app.api(app.org.repA2, 'GET', `/api/opportunities/${created.body.id}`);
    expect(
      (state.body.events as { type: string }[]).filter((e) => e.type === 'activity_logged'),
    ).toHaveLength(1);

    // A new submission gets a new key.
    await page.locator('#activity-form textarea[name=note]').fill('Called again');
    await page.getByRole('button', { name: 'Log activity' }).click();
    await expectText(page.locator('#history li[data-type=activity_logged]').first(), 'Called again');
    expect(keys).toHaveLength(3);
    expect(keys[2]).not.toBe(keys[0]);
    await context.close();
  });

  it('serves the process definition and the built app with a strict content security policy', async () => {
    const processDef = (await fetch(`${app.baseUrl}/process.json`).then((r) => r.json())) as {
      milestones: { key: string }[];
    };
    expect(processDef.milestones.map((m) => m.key)).toEqual([
      'project_initiation',
      'deep_engagement',
      'technical_breakthrough_1',
      'technical_breakthrough_2',
      'business_breakthrough',
      'contract_signed',
    ]);
    const res = await fetch(`${app.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/assets/main.js">');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    const bundle = await fetch(`${app.baseUrl}/assets/main.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${app.baseUrl}/assets/meta.json`)).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/app.js`)).status).toBe(404);
  });
});
