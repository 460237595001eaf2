// The weekly report in the page, in a real headless Chromium against the real app over the
// scripted quarter: any past week, the same content the mail is composed from, a director reading
// a manager's report, the reader's language, at 1280 px and 390 px, with no serious axe violations.
import type { Browser, Page } from 'playwright-core';
import { composeWeeklyReport } from '../../src/reports/weekly/compose-weekly-report';
import { weeklyReportContent } from '../../src/reports/weekly/weekly-report-content';
import { launchChromium } from '../support/browser';
import { dealEventsSettled, startTestApp, type TestApp } from '../support/app';
import { seedQuarter, seedTargets } from '../reports/scenario';
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

beforeAll(async () => {
  app = await startTestApp();
  await seedQuarter(app.db.prisma, app.org);
  await seedTargets(app.db.prisma, app.org);
  // The seeded deals' events reach their accounts in the background and move them along the
  // funnel (intent, order): the page and the mail compared below must see the same steps.
  await dealEventsSettled(app);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** What the weekly mail of that week says for that person, in that language. */
async function mailContent(recipientId: string, isoWeek: string, from: string, locale: 'zh-CN' | 'en') {
  const week = { from: new Date(from), to: new Date(Date.parse(from) + 7 * 86_400_000) };
  const data = await composeWeeklyReport({
    prisma: app.db.prisma,
    recipientId,
    week,
    isoWeek,
    asOf: week.to,
  });
  return weeklyReportContent({ ...data, recipient: { ...data.recipient, locale } });
}

async function shownSections(page: Page) {
  return page.locator('#weekly-report .weekly-section').evaluateAll((sections) =>
    sections.map((s) => ({
      title: s.querySelector('h3')?.textContent ?? '',
      texts: [...s.querySelectorAll(':scope > p')].map((p) => p.textContent ?? ''),
      rows: [...s.querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? ''),
      ),
    })),
  );
}

const expectedSections = (content: Awaited<ReturnType<typeof mailContent>>) =>
  content.sections.map((s) => ({
    title: s.title,
    texts: s.blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : [])),
    rows: s.blocks.flatMap((b) => (b.kind === 'table' ? b.table.rows : [])),
  }));

describe('the weekly report in the page', () => {
  it("shows a past week's report with the mail's sections and numbers, and walks back a week", async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.managerA); // locale en
    await page.goto(`${app.baseUrl}/#/weekly/2026-W03`);
    const mail = await mailContent(app.org.managerA.id, '2026-W03', '2026-01-11T16:00:00Z', 'en');
    await expectText(page.locator('#weekly-report h2'), mail.heading);
    expect(await shownSections(page)).toEqual(expectedSections(mail));
    await expectText(page.locator('#weekly-report'), 'Core banking <b>&</b>');
    await expectText(page.locator('#weekly-report'), '2026-01-12 to 2026-01-18');

    await page.locator('#weekly-previous').click();
    await page.waitForURL(/#\/weekly\/2026-W02$/);
    const before = await mailContent(app.org.managerA.id, '2026-W02', '2026-01-04T16:00:00Z', 'en');
    await expectText(page.locator('#weekly-report h2'), before.heading);
    expect(await shownSections(page)).toEqual(expectedSections(before));

    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("lets a director read a manager's report, in Chinese, on a 390 px phone", async () => {
    await setLocale(app, app.org.director, 'zh-CN');
    const { page, context, errors } = await openPage(browser, { width: 390, height: 844 });
    await signInWithToken(app, page, app.org.director);
    await page.goto(`${app.baseUrl}/#/weekly/2026-W05`);
    await page.locator('#weekly-report').waitFor();
    await page.locator('#weekly-for').selectOption({ label: 'Mia Manager' });
    const mail = await mailContent(app.org.managerA.id, '2026-W05', '2026-01-25T16:00:00Z', 'zh-CN');
    await expectText(page.locator('#weekly-report'), 'Mia Manager');
    await expectText(page.locator('#weekly-report h2'), mail.heading);
    expect(await shownSections(page)).toEqual(expectedSections(mail));
    const { scrollWidth, width } = await scrollsSideways(page);
    expect(scrollWidth).toBeLessThanOrEqual(width);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
