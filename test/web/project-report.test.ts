// A deal's weekly project report in the page, in a real headless Chromium against the real app:
// the seeded sales project's week shows exactly the API's content (the mail's), walks back and
// forth a week, reads on a 390 px phone without sideways scroll or serious axe violations; and the
// deal page of a deal run through the real workflow links to it once its kickoff plan is recorded.
import type { Browser, Page } from 'playwright-core';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { launchChromium } from '../support/browser';
import { createDeal, startTestApp, type TestApp } from '../support/app';
import { seedProjects, type ProjectSeed } from '../reports/project-seed';
import { expectText, openPage, scrollsSideways, seriousAxeViolations, signInWithToken } from './helpers';

jest.setTimeout(180_000);

let app: TestApp;
let browser: Browser;
let seed: ProjectSeed;

beforeAll(async () => {
  app = await startTestApp();
  seed = await seedProjects(app.db.prisma, app.org);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

interface Content {
  heading: string;
  sections: {
    title: string;
    blocks: ({ kind: 'text'; text: string } | { kind: 'table'; table: { rows: string[][] } })[];
  }[];
}

interface Report {
  from: string;
  to: string;
  content: Content;
}

async function apiReport(id: string, week: string, locale: 'zh-CN' | 'en'): Promise<Report> {
  const res = await app.api(
    app.org.repA1,
    'GET',
    `/api/opportunities/${id}/project-reports?week=${week}&locale=${locale}`,
  );
  expect(res.status).toBe(200);
  return res.body as Report;
}

async function shownSections(page: Page) {
  return page.locator('#project-report .weekly-section').evaluateAll((sections) =>
    sections.map((s) => ({
      title: s.querySelector('h3')?.textContent ?? '',
      texts: [...s.querySelectorAll(':scope > p')].map((p) => p.textContent ?? ''),
      rows: [...s.querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? ''),
      ),
    })),
  );
}

const expectedSections = (content: Content) =>
  content.sections.map((s) => ({
    title: s.title,
    texts: s.blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : [])),
    rows: s.blocks.flatMap((b) => (b.kind === 'table' ? b.table.rows : [])),
  }));

describe("a deal's weekly project report in the page", () => {
  it("shows a week's report with the API's sections, and walks a week back and forth, on a 390 px phone", async () => {
    const { page, context, errors } = await openPage(browser, { width: 390, height: 844 });
    await signInWithToken(app, page, app.org.repA1); // locale en
    await page.goto(`${app.baseUrl}/#/opportunities/${seed.metro}/project-report/2026-W06`);
    const w06 = await apiReport(seed.metro, '2026-W06', 'en');
    expect(w06.content.sections.length).toBeGreaterThan(0);
    // The subtitle names the week's dates: it tells one week's report from another's.
    const shows = async (report: Report) => {
      await expectText(
        page.locator('#project-report .muted.small').first(),
        `${report.from} to ${report.to}`,
      );
      await expectText(page.locator('#project-report h2'), report.content.heading);
      expect(await shownSections(page)).toEqual(expectedSections(report.content));
    };
    await shows(w06);

    await page.locator('#project-report-previous').click();
    await page.waitForURL(/\/project-report\/2026-W05$/);
    const w05 = await apiReport(seed.metro, '2026-W05', 'en');
    expect(expectedSections(w05.content)).not.toEqual(expectedSections(w06.content));
    await shows(w05);

    await page.locator('#project-report-next').click();
    await page.waitForURL(/\/project-report\/2026-W06$/);
    await shows(w06);

    const { scrollWidth, width } = await scrollsSideways(page);
    expect(scrollWidth).toBeLessThanOrEqual(width);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is linked from the deal page once the kickoff plan is recorded', async () => {
    const { repA1, director } = app.org;
    const id = await createDeal(app, { name: 'Grid analytics', account: 'State Grid', amount: 1_200_000 });
    const gate = await app.api(repA1, 'POST', `/api/opportunities/${id}/approvals`, {
      kind: 'milestone_gate',
      milestone: 'project_initiation',
      reason: 'Need is clear',
    });
    const decision = `/api/opportunities/${id}/approvals/${gate.body.approvalId}/decision`;
    expect((await app.api(director, 'POST', decision, { decision: 'approved' })).status).toBe(200);
    const initiation = PSM_PROCESS.milestones[0]!;
    const met = initiation.criteria.map((c) => c.key as string);
    const completed = await app.api(repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: initiation.key,
      criteriaMet: initiation.rule === 'all' ? met : met.slice(0, 1),
      evidence: 'Minutes',
    });
    expect(completed.status).toBe(200);
    const localDay = (days: number) =>
      new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
    const plan = await app.api(repA1, 'POST', `/api/opportunities/${id}/plan`, {
      plannedDates: Object.fromEntries(
        PSM_PROCESS.milestones.slice(1).map((m, i) => [m.key, localDay(4 + 10 * i)]),
      ),
      decisionDate: localDay(60),
      risks: [{ risk: 'Budget freeze', ownerId: repA1.id, mitigation: 'Phase the delivery' }],
      competitors: ['Huawei'],
      evidence: 'Kickoff minutes',
    });
    expect(plan.status).toBe(200);

    const { page, context, errors } = await openPage(browser);
    await signInWithToken(app, page, repA1);
    await page.goto(`${app.baseUrl}/#/opportunities/${id}`);
    const link = page.locator('#deal-project-report');
    // The plan reaches the read model by the projection: reload until the page sees it.
    for (let i = 0; i < 30 && !(await link.isVisible()); i++) {
      await page.waitForTimeout(500);
      await page.reload();
      await page.locator('.page-head').waitFor();
    }
    await link.click();
    await page.waitForURL(new RegExp(`#/opportunities/${id}/project-report$`));
    const latest = (await app.api(repA1, 'GET', `/api/opportunities/${id}/project-reports`)).body;
    await expectText(page.locator('#project-report h2'), latest.content.heading);
    expect(await shownSections(page)).toEqual(expectedSections(latest.content));
    expect(errors).toEqual([]);
    await context.close();
  });
});
