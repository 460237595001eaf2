// The web page in a real headless Chromium against the real app (real Temporal, PostgreSQL and
// worker), driven the way a rep and a manager use it.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp, type TestUser } from '../support/app';
import { waitUntil } from '../support/wait';

const SCREENSHOT = '/tmp/psm-page.png';
/** The page's globals, typed for page.evaluate (this project's tsconfig has no DOM lib). */
type PageGlobals = {
  __xss?: number;
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

jest.setTimeout(240_000);

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A separate browser context per person: their own localStorage, like their own laptop. */
async function openPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, errors };
}

async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto(app.baseUrl + '/');
  await page.locator('#token-input').fill(user.token);
  await page.getByRole('button', { name: /Sign in/ }).click();
  await page.locator('#whoami').waitFor({ state: 'visible' });
}

/** Clicks the page's own Refresh until `locator` shows (the read model lags a command briefly). */
async function refreshUntilVisible(page: Page, locator: Locator, what: string): Promise<void> {
  await waitUntil(
    async () => {
      if (await locator.isVisible()) return true;
      await page
        .getByRole('button', { name: /Refresh/ })
        .first()
        .click();
      await page.waitForTimeout(500);
      return locator.isVisible();
    },
    30_000,
    what,
  );
}

const nextMilestone = (page: Page) => page.locator('#next-milestone');

describe('the web page', () => {
  it('takes a deal from creation through project initiation, with a manager approving in the page', async () => {
    const rep = await openPage();
    const { page } = rep;

    // A wrong token is refused at the prompt, a right one signs in.
    await page.goto(app.baseUrl + '/');
    await page.locator('#token-input').fill('psm_not_a_real_token');
    await page.getByRole('button', { name: /Sign in/ }).click();
    await expectText(page.locator('#signin-form .form-error'), /invalid, expired or revoked/);
    await signIn(page, app.org.repA1);
    await expectText(page.locator('#whoami-name'), /Rita Rep/);
    await expectText(page.locator('h1'), /My deals/);

    // Commands carry an Idempotency-Key (a UUID).
    const commandKeys: string[] = [];
    page.on('request', (req) => {
      if (req.method() !== 'GET' && req.url().includes('/api/'))
        commandKeys.push(req.headers()['idempotency-key'] ?? '');
    });

    // New deal; the name carries markup that must show as text, never run.
    const name = 'Acme 数据平台 <img src=x onerror="window.__xss=1">';
    await page
      .getByRole('link', { name: /New deal/ })
      .first()
      .click();
    await page.locator('#new-deal-form input[name=name]').fill(name);
    await page.locator('#new-deal-form input[name=account]').fill('江南银行 Jiangnan Bank');
    await page.locator('#new-deal-form input[name=amount]').fill('250000');
    await page.locator('#new-deal-form input[name=expectedCloseDate]').fill('2027-03-31');
    await page.getByRole('button', { name: /Create deal/ }).click();
    await page.waitForURL(/#\/opportunities\/opp-/);
    await expectText(page.locator('#deal-name'), name);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss)).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);
    const dealId = decodeURIComponent(page.url().split('#/opportunities/')[1]!);
    expect(commandKeys).toHaveLength(1);
    expect(commandKeys[0]).toMatch(UUID);

    // Completing with a criterion missing is refused (422) and the reason is shown by the form.
    await expectText(nextMilestone(page).locator('h2'), /项目立项/);
    await nextMilestone(page)
      .getByLabel(/Customer need is basically clear/)
      .check();
    await nextMilestone(page).locator('textarea[name=evidence]').fill('Kick-off meeting notes');
    await nextMilestone(page)
      .getByRole('button', { name: /Complete/ })
      .click();
    const refusal = nextMilestone(page).locator('form.complete .form-error');
    await expectText(refusal, /Refused by the process/);
    await expectText(refusal, /CRITERIA_NOT_MET/);
    await expectText(refusal, /value_fit/);
    await expectText(refusal, /Value positioning fits our product/);
    await nextMilestone(page).screenshot({ path: '/tmp/psm-refusal.png' });

    // All criteria but no approval yet: refused for the gate.
    await nextMilestone(page)
      .getByLabel(/Value positioning fits our product/)
      .check();
    await nextMilestone(page)
      .getByRole('button', { name: /Complete/ })
      .click();
    await expectText(refusal, /APPROVAL_REQUIRED/);

    // Request the initiation approval from the deal view; typed criteria survive the re-render.
    await nextMilestone(page)
      .locator('form.quick-gate input[name=reason]')
      .fill('Need confirmed with the CIO');
    await nextMilestone(page)
      .getByRole('button', { name: /Request approval/ })
      .click();
    await expectText(nextMilestone(page).locator('.gate'), /Pending/);
    expect(
      await nextMilestone(page)
        .getByLabel(/Value positioning fits our product/)
        .isChecked(),
    ).toBe(true);
    await expectText(page.locator('#deal-approvals'), /Need confirmed with the CIO/);

    // The manager approves from "Approvals waiting for me".
    const manager = await openPage();
    await signIn(manager.page, app.org.managerA);
    await manager.page.getByRole('link', { name: /Approvals/ }).click();
    const card = manager.page.locator('article.approval', { hasText: 'Acme 数据平台' });
    await refreshUntilVisible(manager.page, card, 'the approval card');
    await expectText(manager.page.locator('#approval-count'), '1');
    await expectText(card, /Need confirmed with the CIO/);
    await expectText(card, /Rita Rep/);
    await manager.page.screenshot({ path: '/tmp/psm-approvals.png' });
    await card.locator('input[name=comment]').fill('Go ahead');
    await card.getByRole('button', { name: /Approve/ }).click();
    await expectText(manager.page.locator('.card.done'), /Decided/);

    // The rep sees the approval and completes the milestone.
    await page.getByRole('button', { name: /Refresh/ }).click();
    await expectText(nextMilestone(page).locator('.gate'), /Approved/);
    await nextMilestone(page)
      .getByLabel(/Customer need is basically clear/)
      .check();
    await nextMilestone(page)
      .getByLabel(/Value positioning fits our product/)
      .check();
    await nextMilestone(page)
      .locator('textarea[name=evidence]')
      .fill('Kick-off meeting notes; CIO confirmed the need');
    await nextMilestone(page)
      .getByRole('button', { name: /Complete/ })
      .click();
    await expectText(nextMilestone(page).locator('h2'), /深度接触/);
    await expectText(page.locator('.stepper .step.reached'), /项目立项/);
    await expectText(page.locator('#history'), /CIO confirmed the need/);
    await expectText(page.locator('#deal-approvals'), /Go ahead/);

    // Log an activity: it shows in the history.
    await page.locator('#activity-form select[name=kind]').selectOption('meeting');
    await page.locator('#activity-form textarea[name=note]').fill('Workshop with the data team');
    await page.getByRole('button', { name: /Log activity/ }).click();
    await expectText(page.locator('#history li[data-type=activity_logged]').first(), /Activity logged/);
    await expectText(
      page.locator('#history li[data-type=activity_logged]').first(),
      /Workshop with the data team/,
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: '/tmp/psm-phone.png' });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Every command carried its own UUID key.
    expect(commandKeys.length).toBeGreaterThanOrEqual(6);
    for (const key of commandKeys) expect(key).toMatch(UUID);

    // My deals updates from the read model: the deal now shows at 项目立项, 5 %.
    await page
      .getByRole('link', { name: /My deals/ })
      .first()
      .click();
    const row = page.locator('#deals-table tr', { hasText: 'Acme 数据平台' });
    await waitUntil(
      async () => (await row.isVisible()) && /5%/.test(await row.innerText()),
      30_000,
      'the list to show 5%',
    );
    await expectText(row, /项目立项/);
    await expectText(row, /Open/);
    await page.screenshot({ path: '/tmp/psm-list.png', fullPage: true });

    // Filters go to the API: no deal is at contract signing.
    await page.locator('#deal-filters select[name=milestone]').selectOption('contract_signed');
    await expectText(page.locator('.table-host'), /No deals match/);

    // The email link form of the address opens the deal directly.
    await manager.page.goto(`${app.baseUrl}/#/opportunities/${encodeURIComponent(dealId)}`);
    await expectText(manager.page.locator('#deal-name'), name);

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
    const { page, context } = await openPage();
    await signIn(page, app.org.repA2);
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
    await page.locator('#activity-form textarea[name=note]').fill('Called the buyer');
    await page.getByRole('button', { name: /Log activity/ }).click();
    await expectText(page.locator('#activity-form .form-error'), /Could not reach the server/);
    await page.getByRole('button', { name: /Log activity/ }).click();
    await expectText(page.locator('#history li[data-type=activity_logged]').first(), /Called the buyer/);

    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toBe(keys[0]);
    const state = await app.api(app.org.repA2, 'GET', `/api/opportunities/${created.body.id}`);
    expect(
      (state.body.events as { type: string }[]).filter((e) => e.type === 'activity_logged'),
    ).toHaveLength(1);

    // A new submission gets a new key.
    await page.locator('#activity-form textarea[name=note]').fill('Called again');
    await page.getByRole('button', { name: /Log activity/ }).click();
    await expectText(page.locator('#history li[data-type=activity_logged]').first(), /Called again/);
    expect(keys).toHaveLength(3);
    expect(keys[2]).not.toBe(keys[0]);
    await context.close();
  });

  it('sends a refused or revoked token back to the prompt, and signing out forgets it', async () => {
    const { page, context, errors } = await openPage();
    await signIn(page, app.org.repB1);
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('psm.apiToken')),
    ).toBe(app.org.repB1.token);

    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.locator('#token-input').waitFor();
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('psm.apiToken')),
    ).toBeNull();
    expect(await page.locator('#nav').isVisible()).toBe(false);

    // A token that stops working (revoked here) sends the next API call to the prompt.
    const issued = await app.api(app.org.repB1, 'POST', `/api/users/${app.org.repB1.id}/tokens`, {
      label: 'browser',
      ttlDays: 1,
    });
    expect(issued.status).toBe(201);
    await page.evaluate(
      (token) => (globalThis as unknown as PageGlobals).localStorage.setItem('psm.apiToken', token),
      issued.body.token as string,
    );
    await page.goto(`${app.baseUrl}/#/approvals`);
    await page.reload();
    await expectText(page.locator('h1'), /Approvals waiting for me/);
    expect((await app.api(app.org.repB1, 'DELETE', `/api/tokens/${issued.body.id}`)).status).toBe(204);
    await page.getByRole('button', { name: /Refresh/ }).click();
    await page.locator('#token-input').waitFor();
    await expectText(page.locator('#signin-form .notice'), /Your token was refused/);
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('psm.apiToken')),
    ).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('serves the process definition and the page with a strict content security policy', async () => {
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
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await res.text()).toContain('<script type="module" src="/app.js">');
  });
});

/** Waits (up to 15 s) until the locator's text matches; fails with what it last saw. */
async function expectText(locator: Locator, expected: RegExp | string): Promise<void> {
  let last = '';
  try {
    await waitUntil(
      async () => {
        last =
          (await locator
            .first()
            .innerText({ timeout: 1000 })
            .catch(() => '')) ?? '';
        return typeof expected === 'string' ? last.includes(expected) : expected.test(last);
      },
      15_000,
      String(expected),
    );
  } catch {
    throw new Error(
      `expected ${String(expected)} in ${String(locator)}, last saw: ${JSON.stringify(last.slice(0, 800))}`,
    );
  }
}
