// Shared by the page's browser tests: a browser context per person, signing in, waiting on text,
// the page's own Refresh, and an axe-core check.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { TestApp, TestUser } from '../support/app';
import { waitUntil } from '../support/wait';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors (4xx answers the page handles are not errors). */
  errors: string[];
}

/** A separate browser context per person: their own cookies and storage, like their own laptop. */
export async function openPage(
  browser: Browser,
  { width = 1280, height = 900 }: { width?: number; height?: number } = {},
): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of (4\d\d|503)/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, errors };
}

/** Sets a user's stored locale through the admin API (the page follows it at sign-in). */
export async function setLocale(app: TestApp, user: TestUser, locale: 'zh-CN' | 'en'): Promise<void> {
  const res = await app.api(app.org.admin, 'PATCH', `/api/users/${user.id}`, { locale });
  if (res.status !== 200) throw new Error(`PATCH locale: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Signs in with the "API token" advanced option (for tests about the views, not sign-in). */
export async function signInWithToken(app: TestApp, page: Page, user: TestUser): Promise<void> {
  const response = await page.goto(app.baseUrl + '/');
  await page
    .locator('details.advanced summary')
    .click()
    .catch(async (err: unknown) => {
      // Seen once under CI load (project-report.test.ts): the sign-in page never showed and the
      // app refused connections right after. Say what the page got and whether the app answers.
      const health = await fetch(app.baseUrl + '/health').then(
        (r) => `answers ${r.status}`,
        (e: unknown) => `does not answer (${String((e as { cause?: unknown }).cause ?? e)})`,
      );
      const body = (await page.content().catch(() => '')).slice(0, 400);
      throw new Error(
        `the sign-in page did not show: GET / answered ${response?.status() ?? 'nothing'}, ` +
          `the app now ${health}; the page holds: ${body}\n${String(err)}`,
      );
    });
  await page.locator('#token-input').fill(user.token);
  await page.locator('#token-form button[type=submit]').click();
  await page.locator('#whoami').waitFor({ state: 'visible' });
}

/** Waits (up to 15 s) until the locator's text matches; fails with what it last saw. */
export async function expectText(locator: Locator, expected: RegExp | string): Promise<void> {
  let last = '';
  try {
    await waitUntil(
      async () => {
        last = (await locator
          .first()
          .innerText({ timeout: 1000 })
          .catch(() => '')) as string;
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

/** Clicks the page's own Refresh (`name`) until `locator` shows (the read model lags a command). */
export async function refreshUntilVisible(
  page: Page,
  locator: Locator,
  name: RegExp,
  what: string,
): Promise<void> {
  await waitUntil(
    async () => {
      if (await locator.isVisible()) return true;
      await page.getByRole('button', { name }).first().click();
      await page.waitForTimeout(500);
      return locator.isVisible();
    },
    30_000,
    what,
  );
}

const AXE_SOURCE = fs.readFileSync(path.join(require.resolve('axe-core'), '..', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2.1 A/AA rules) in the page; returns its serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Added through the DevTools protocol (page.evaluate), so the page's CSP does not apply to it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<any> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return (result.violations as AxeViolation[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** True when the page scrolls sideways at its current viewport width. */
export async function scrollsSideways(page: Page): Promise<{ scrollWidth: number; width: number }> {
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return { scrollWidth: doc.scrollWidth, width: doc.clientWidth };
  });
}
