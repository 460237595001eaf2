// The manager dashboard in a real headless Chromium against the real app, over the scripted
// quarter's read model (test/reports/scenario.ts, numbers worked out by hand in
// test/reports/reports-read-model.test.ts): the charts draw (ECharts, SVG) and the tables beside
// them carry the right figures, at 1280 px and at 390 px, with no serious axe violations.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { seedQuarter, seedTargets } from '../reports/scenario';
import { expectText, openPage, scrollsSideways, seriousAxeViolations, signInWithToken } from './helpers';

jest.setTimeout(180_000);

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  await seedQuarter(app.db.prisma, app.org);
  await seedTargets(app.db.prisma, app.org);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** The rows of a table as text cells, header row first. */
async function tableRows(page: Page, id: string): Promise<string[][]> {
  const rows = page.locator(`#${id} tr`);
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    out.push((await rows.nth(i).locator('th, td').allInnerTexts()).map((s) => s.trim()));
  }
  return out;
}

async function openQ1(page: Page): Promise<void> {
  await page.goto(`${app.baseUrl}/#/dashboard`);
  await page.locator('#dash-forecast-table').waitFor();
  await page.locator('#dashboard-period').selectOption('custom');
  await page.locator('#dashboard-from').fill('2026-01-01');
  await page.locator('#dashboard-to').fill('2026-03-31');
  await expectText(page.locator('#dash-funnel-table'), 'Project initiation');
  await expectText(page.locator('#dash-forecast-table'), '¥1,900,000');
}

describe('the manager dashboard', () => {
  it("answers the three questions for a manager's line in charts with their numbers as tables", async () => {
    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, app.org.managerA); // locale en
    await openQ1(page);

    // Q1: forecast against target. Totals row last: target, won, remaining, commit, best case, pipeline, coverage.
    const forecast = await tableRows(page, 'dash-forecast-table');
    expect(forecast.at(-1)).toEqual([
      'Total',
      '¥1,900,000',
      '¥200,000',
      '¥1,700,000',
      '¥225,000',
      '¥40,000',
      '¥265,000',
      '0.16×',
    ]);
    expect(
      forecast
        .slice(1, -1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['Ravi Rep', 'Rita Rep']);

    // The funnel: deals reaching each milestone in Q1, and conversion to the next.
    const funnel = await tableRows(page, 'dash-funnel-table');
    expect(funnel.slice(1).map((r) => [r[0], r[1], r[3]])).toEqual([
      ['Project initiation', '6', '83.3%'],
      ['Deep engagement', '6', '83.3%'],
      ['Technical breakthrough 1', '5', '60%'],
      ['Technical breakthrough 2', '3', '66.7%'],
      ['Business breakthrough', '2', '50%'],
      ['Contract signed', '1', '—'],
    ]);
    expect(funnel[1]![2]).toBe('¥1,220,000');

    // Q2: movement in the period.
    expect((await tableRows(page, 'dash-movement-table')).slice(1)).toEqual([
      ['Created', '7', '¥1,280,000'],
      ['Advanced', '7', '¥1,270,000'],
      ['Stalled', '1', '¥50,000'],
      ['Won', '1', '¥200,000'],
      ['Lost', '1', '¥80,000'],
    ]);
    // The stalled list with its escalation level (markup in a name stays text).
    const stalled = await tableRows(page, 'dash-stalled-table');
    expect(stalled.slice(1)).toEqual([
      [
        'Core banking <b>&</b>',
        'Seeded account',
        'Rita Rep',
        'Deep engagement',
        expect.stringMatching(/^\d+$/),
        'Escalated to the manager',
        '¥50,000',
      ],
    ]);
    await expectText(page.locator('#dash-stalled-title'), 'Stalled deals (1)');
    // Q3: each rep's conversion against the team's.
    const bottlenecks = await tableRows(page, 'dash-bottlenecks-table');
    expect(bottlenecks[1]![0]).toBe('Team');
    expect(bottlenecks[1]![1]).toBe('83.3% (5/6)');
    expect(
      bottlenecks
        .slice(2)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['Ravi Rep', 'Rita Rep']);

    // The charts are drawn (SVG) with the same numbers.
    for (const id of ['dash-forecast-chart', 'dash-funnel-chart', 'dash-movement-chart', 'dash-days-chart']) {
      await page.locator(`#${id}[data-rendered=true] svg`).waitFor();
    }
    const funnelSvg = await page.locator('#dash-funnel-chart svg').textContent();
    expect(funnelSvg).toContain('Project initiation: 6');
    expect(funnelSvg).toContain('Contract signed: 1');
    const forecastSvg = await page.locator('#dash-forecast-chart svg').textContent();
    expect(forecastSvg).toContain('¥1.9M');
    await expect(page.locator('#dash-funnel-chart').getAttribute('aria-label')).resolves.toContain(
      'Project initiation 6',
    );

    // A rep of the line: the same dashboard narrowed to that rep.
    await page.locator('#dashboard-rep').selectOption({ label: 'Ravi Rep' });
    await expectText(page.locator('#dash-forecast-table'), '¥900,000');
    // The funnel answers on its own request: wait for its rows, not only the forecast's.
    const repFunnel = ['3', '3', '3', '2', '1', '0'];
    let narrowed: string[] = [];
    for (let i = 0; i < 50 && narrowed.join() !== repFunnel.join(); i += 1) {
      if (i > 0) await page.waitForTimeout(100);
      narrowed = (await tableRows(page, 'dash-funnel-table')).slice(1).map((r) => r[1] ?? '');
    }
    expect(narrowed).toEqual(repFunnel);

    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a 390 px phone (tables scroll in their box) with no serious axe violations', async () => {
    const { page, context, errors } = await openPage(browser, { width: 390, height: 844 });
    await signInWithToken(app, page, app.org.director);
    await openQ1(page);
    await page.locator('#dash-funnel-chart[data-rendered=true] svg').waitFor();
    // The director sees both lines: D9 and D11 of team B reached initiation in Q1 too.
    const funnel = await tableRows(page, 'dash-funnel-table');
    expect(funnel[1]!.slice(0, 2)).toEqual(['Project initiation', '8']);
    const { scrollWidth, width } = await scrollsSideways(page);
    expect(scrollWidth).toBeLessThanOrEqual(width);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
