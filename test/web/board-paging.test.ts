// A column longer than one page in a real headless Chromium against the real app: the board lists
// the first 200 cards of a column, says how many more there are, and "show more" appends the rest
// (GET /api/board/cards after the last card shown) until none is left. The deals are read-model
// rows written straight into PostgreSQL: the board reads nothing else, and 230 workflows would
// only make the test slow.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { expectText, openPage, seriousAxeViolations, setLocale, signInWithToken } from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
const DEALS = 230;
const dealId = (i: number) => `opp-paging-${String(i).padStart(4, '0')}`;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  await setLocale(app, app.org.repA1, 'en');
  const since = Date.parse('2026-10-01T00:00:00Z');
  await app.db.prisma.opportunity.createMany({
    data: Array.from({ length: DEALS }, (_, i) => ({
      id: dealId(i),
      name: `Paged deal ${i}`,
      account: `Account ${i}`,
      amount: 10_000 + i,
      ownerId: app.org.repA1.id,
      milestone: 'deep_engagement',
      milestoneIndex: 1,
      probability: 10,
      status: 'open' as const,
      // Longest in stage first: deal 0 entered first.
      stageEnteredAt: new Date(since + i * 60_000),
      createdAt: new Date(since + i * 60_000),
    })),
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('shows 200 cards of a 230-deal column, then the other 30 on "show more", each once and in order', async () => {
  const { page, context, errors } = await openPage(browser);
  // What the page asked for and got, for the failure message if the appended cards never show.
  const requests: string[] = [];
  const started = Date.now();
  page.on('request', (req) => {
    if (req.url().includes('/api/board'))
      requests.push(`${Date.now() - started} ms ${req.method()} ${req.url()}`);
  });
  page.on('response', (res) => {
    if (res.url().includes('/api/board'))
      requests.push(`${Date.now() - started} ms ${res.status()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    if (req.url().includes('/api/board'))
      requests.push(`${Date.now() - started} ms failed ${req.failure()?.errorText ?? ''} ${req.url()}`);
  });
  await signInWithToken(app, page, app.org.repA1);
  await page.goto(`${app.baseUrl}/#/board`);
  const column = page.locator('[data-column="deep_engagement"]');
  await expectText(column.locator('.board-column-count'), '230 deals');
  const cards = column.locator('[data-deal-id]');
  await cards.nth(199).waitFor();
  expect(await cards.count()).toBe(200);
  await expectText(column, /30 more deals not shown/);
  const more = column.getByRole('button', { name: 'Show 30 more deals' });
  // Jumped to, the button must stay where it is while the cards around it are laid out (they are
  // skipped off screen: content-visibility). With a placeholder shorter than a card it moved 28 px
  // a few frames later, and a click aimed at it landed on the line above (a lost click in CI).
  const tops = await more.evaluate(async (el) => {
    el.scrollIntoView({ block: 'center' });
    const seen: number[] = [];
    for (let frame = 0; frame < 15; frame++) {
      seen.push(el.getBoundingClientRect().top);
      await new Promise((resolve) => el.ownerDocument.defaultView!.requestAnimationFrame(resolve));
    }
    return seen;
  });
  expect(Math.max(...tops) - Math.min(...tops)).toBeLessThanOrEqual(2);
  await more.click();
  await cards
    .nth(DEALS - 1)
    .waitFor()
    .catch(async (err: unknown) => {
      const shown = await cards.count();
      const tail = (await column.innerText().catch(() => '')).slice(-300);
      const errorBox = await page
        .locator('.error-box, [role=alert]')
        .allInnerTexts()
        .catch(() => []);
      throw new Error(
        `${String(err)}\n${shown} cards shown; column ends ${JSON.stringify(tail)}; ` +
          `alerts ${JSON.stringify(errorBox)}; page errors ${JSON.stringify(errors)}\n${requests.join('\n')}`,
      );
    });
  expect(await cards.count()).toBe(DEALS);
  expect(await column.getByRole('button', { name: /Show .* more/ }).count()).toBe(0);
  const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-deal-id')));
  expect(ids).toEqual(Array.from({ length: DEALS }, (_, i) => dealId(i)));
  expect(await seriousAxeViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
