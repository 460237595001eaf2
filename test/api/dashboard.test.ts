// The board, stalled-list and weekly-report routes on the real app over a real read model built
// by the real projection from the scripted quarter (test/reports/scenario.ts): the columns and
// their totals worked out by hand, scoping by reporting line, and bad input answered with 4xx.
import { composeWeeklyReport } from '../../src/reports/weekly/compose-weekly-report';
import { weeklyReportContent } from '../../src/reports/weekly/weekly-report-content';
import { dealEventsSettled, startTestApp, type TestApp } from '../support/app';
import type { DealScript } from '../reports/deal-script';
import { seedQuarter, seedTargets } from '../reports/scenario';

let app: TestApp;
let deals: Record<string, DealScript>;
beforeAll(async () => {
  app = await startTestApp();
  deals = await seedQuarter(app.db.prisma, app.org);
  await seedTargets(app.db.prisma, app.org);
  // The seeded deals' events move their accounts along the funnel in the background: the weekly
  // page and the mail composed after it must see the same steps.
  await dealEventsSettled(app);
});
afterAll(async () => {
  await app?.stop();
});

interface Column {
  key: string;
  count: number;
  amount: number;
  weighted: number;
  cards: { id: string; ownerName: string; reachedIndex: number; nextMilestone: string | null }[];
}
const summary = (columns: Column[]) =>
  columns.map((c) => [c.key, c.count, c.amount, c.weighted, c.cards.map((x) => x.id)]);
const id = (name: string) => deals[name]!.id;

describe('GET /api/board', () => {
  it("gives a manager their line's open deals by milestone reached, with totals and weighted totals", async () => {
    const res = await app.api(app.org.managerA, 'GET', '/api/board');
    expect(res.status).toBe(200);
    expect(res.body.scope).toEqual({ team: null, rep: null, userCount: 3 });
    // Team A's open deals: D7 has reached nothing (applying for initiation); D2 won, D4 lost.
    expect(summary(res.body.columns)).toEqual([
      ['not_initiated', 1, 60_000, 0, [id('D7')]],
      ['project_initiation', 0, 0, 0, []],
      ['deep_engagement', 1, 50_000, 5_000, [id('D3')]],
      // Longest in stage first: D6 reached TB1 on day 9, D1 on day 21.
      ['technical_breakthrough_1', 2, 140_000, 35_000, [id('D6'), id('D1')]],
      ['technical_breakthrough_2', 1, 500_000, 250_000, [id('D8')]],
      ['business_breakthrough', 1, 300_000, 225_000, [id('D5')]],
      ['contract_signed', 0, 0, 0, []],
    ]);
    const d3 = res.body.columns[2].cards[0];
    expect(d3).toMatchObject({
      name: 'Core banking <b>&</b>',
      ownerName: 'Rita Rep',
      reachedIndex: 1,
      nextMilestone: 'technical_breakthrough_1',
      stalled: true,
      escalationLevel: 1,
      status: 'open',
    });
    expect(res.body.columns[0].cards[0]).toMatchObject({
      reachedIndex: -1,
      nextMilestone: 'project_initiation',
    });
    expect(d3.daysInStage).toBe(Math.floor((Date.now() - Date.parse(d3.stageEnteredAt)) / 86_400_000));
    expect(res.body.owners.map((o: { name: string }) => o.name)).toEqual([
      'Mia Manager',
      'Ravi Rep',
      'Rita Rep',
    ]);
  });

  it('gives the director both lines (a deal on hold counts in amount, not in weighted), filtered by team or rep', async () => {
    const all = await app.api(app.org.director, 'GET', '/api/board');
    const deep = all.body.columns.find((c: Column) => c.key === 'deep_engagement');
    // D3 (50 000, 10 %), D9 (1 000 000, on hold), D11 (25 000, 10 %).
    expect([deep.count, deep.amount, deep.weighted]).toEqual([3, 1_075_000, 7_500]);
    expect(deep.cards.find((c: { id: string }) => c.id === id('D9')).status).toBe('on_hold');

    const teamB = await app.api(app.org.director, 'GET', `/api/board?team=${app.org.managerB.id}`);
    expect(summary(teamB.body.columns).filter(([, count]) => count !== 0)).toEqual([
      ['project_initiation', 1, 70_000, 3_500, [id('D10')]],
      ['deep_engagement', 2, 1_025_000, 2_500, [id('D9'), id('D11')]],
    ]);
    const rep = await app.api(app.org.managerA, 'GET', `/api/board?rep=${app.org.repA1.id}&perColumn=1`);
    expect(summary(rep.body.columns).filter(([, count]) => count !== 0)).toEqual([
      ['deep_engagement', 1, 50_000, 5_000, [id('D3')]],
      // perColumn caps the cards, never the totals.
      ['technical_breakthrough_1', 1, 100_000, 25_000, [id('D1')]],
    ]);
    const capped = await app.api(app.org.managerA, 'GET', '/api/board?perColumn=1');
    const tb1 = capped.body.columns.find((c: Column) => c.key === 'technical_breakthrough_1');
    expect([tb1.count, tb1.cards.length]).toEqual([2, 1]);
  });

  it('refuses a team or rep outside the line (403), and bad filters with 400', async () => {
    const { managerA, managerB, repA1, repA2 } = app.org;
    expect(await app.api(managerA, 'GET', `/api/board?team=${managerB.id}`)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect((await app.api(repA1, 'GET', `/api/board?rep=${repA2.id}`)).status).toBe(403);
    for (const bad of ['team=nope', 'perColumn=0', 'perColumn=5000', 'colour=red']) {
      expect(await app.api(managerA, 'GET', `/api/board?${bad}`)).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_INPUT' } },
      });
    }
    const own = await app.api(repA1, 'GET', '/api/board');
    expect(own.body.owners.map((o: { id: string }) => o.id)).toEqual([repA1.id]);
  });
});

describe('GET /api/board/cards: the next pages of a long column', () => {
  it("pages through a column after the board's cursor, in the board's order, every card once", async () => {
    const { director, managerA, managerB } = app.org;
    const board = await app.api(director, 'GET', '/api/board?perColumn=1');
    const deep = board.body.columns.find(
      (c: Column & { nextCursor: string | null }) => c.key === 'deep_engagement',
    );
    // D9 (on hold since day 4) and D3 and D11: the board lists the first, the cursor the rest.
    expect(deep.cards).toHaveLength(1);
    expect(deep.nextCursor).toEqual(expect.any(String));
    const full = await app.api(director, 'GET', '/api/board?perColumn=10');
    const order = full.body.columns
      .find((c: Column) => c.key === 'deep_engagement')
      .cards.map((c: { id: string }) => c.id);
    expect(order).toHaveLength(3);
    expect(full.body.columns.every((c: { nextCursor: unknown }) => c.nextCursor === null)).toBe(true);

    const seen = [deep.cards[0].id];
    let cursor: string | null = deep.nextCursor;
    while (cursor) {
      const page = await app.api(
        director,
        'GET',
        `/api/board/cards?column=deep_engagement&limit=1&after=${encodeURIComponent(cursor)}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.cards.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual(order);

    // Scoped like the board: team B's manager pages only their line, never team A's deals.
    const teamB = await app.api(managerB, 'GET', '/api/board/cards?column=deep_engagement&limit=10');
    expect(teamB.body.cards.map((c: { id: string }) => c.id)).toEqual([id('D9'), id('D11')]);
    const teamA = await app.api(managerA, 'GET', '/api/board/cards?column=not_initiated&limit=10');
    expect(teamA.body).toMatchObject({ cards: [{ id: id('D7') }], nextCursor: null });
  });

  it('refuses an unknown column, a forged cursor and a rep outside the line, changing nothing', async () => {
    const { managerA, repA1, repA2 } = app.org;
    for (const bad of [
      'column=nope',
      'column=deep_engagement&after=bm90LWEtY3Vyc29y',
      'column=deep_engagement&limit=0',
      'after=x',
    ]) {
      expect(await app.api(managerA, 'GET', `/api/board/cards?${bad}`)).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_INPUT' } },
      });
    }
    expect(
      (await app.api(repA1, 'GET', `/api/board/cards?column=deep_engagement&rep=${repA2.id}`)).status,
    ).toBe(403);
  });
});

describe('GET /api/dashboard/stalled', () => {
  it('lists the stalled deals of the line with their escalation level', async () => {
    const res = await app.api(app.org.director, 'GET', '/api/dashboard/stalled');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.deals).toEqual([
      expect.objectContaining({
        id: id('D3'),
        ownerName: 'Rita Rep',
        milestone: 'deep_engagement',
        escalationLevel: 1,
        amount: 50_000,
      }),
    ]);
    const teamB = await app.api(app.org.managerB, 'GET', '/api/dashboard/stalled');
    expect(teamB.body).toMatchObject({ total: 0, deals: [] });
    expect(
      (await app.api(app.org.managerB, 'GET', `/api/dashboard/stalled?rep=${app.org.repA1.id}`)).status,
    ).toBe(403);
    expect((await app.api(app.org.director, 'GET', '/api/dashboard/stalled?limit=0')).status).toBe(400);
  });
});

describe('GET /api/reports/weekly', () => {
  it("shows a past week's report with the mail's composition and wording, in the reader's language", async () => {
    const { managerA } = app.org;
    const res = await app.api(managerA, 'GET', '/api/reports/weekly?week=2026-W03');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      isoWeek: '2026-W03',
      from: '2026-01-12',
      to: '2026-01-18',
      recipient: { id: managerA.id, name: 'Mia Manager' },
    });
    // What the weekly mail says for that week (send-weekly-report composes it the same way).
    const week = { from: new Date('2026-01-11T16:00:00Z'), to: new Date('2026-01-18T16:00:00Z') };
    const mail = weeklyReportContent(
      await composeWeeklyReport({
        prisma: app.db.prisma,
        recipientId: managerA.id,
        week,
        isoWeek: '2026-W03',
        asOf: week.to,
      }),
    );
    expect(res.body.content).toEqual(JSON.parse(JSON.stringify(mail)));
    expect(res.body.content.locale).toBe('en');
    const texts = JSON.stringify(res.body.content.sections);
    expect(texts).toContain('Core banking <b>&</b>');

    const zh = await app.api(managerA, 'GET', '/api/reports/weekly?week=2026-W03&locale=zh-CN');
    expect(zh.body.content.locale).toBe('zh-CN');
    expect(zh.body.content.heading).not.toBe(res.body.content.heading);
  });

  it("lets a manager read a report of their line's people, not another line's; bad weeks are 400", async () => {
    const { managerA, repA1, repB1, director, admin } = app.org;
    expect((await app.api(managerA, 'GET', `/api/reports/weekly?for=${repA1.id}`)).status).toBe(200);
    expect(
      (await app.api(director, 'GET', `/api/reports/weekly?for=${managerA.id}&week=2026-W05`)).status,
    ).toBe(200);
    expect(await app.api(managerA, 'GET', `/api/reports/weekly?for=${repB1.id}`)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect((await app.api(repA1, 'GET', `/api/reports/weekly?for=${managerA.id}`)).status).toBe(403);
    expect(
      (await app.api(admin, 'GET', '/api/reports/weekly?for=00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
    for (const bad of ['week=2026-W54', 'week=2026-W00', 'week=2099-W01', 'week=2026-13', 'locale=fr']) {
      expect(await app.api(managerA, 'GET', `/api/reports/weekly?${bad}`)).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_INPUT' } },
      });
    }
    // 2020 had 53 ISO weeks: its W53 runs into 2021.
    const w53 = await app.api(managerA, 'GET', '/api/reports/weekly?week=2020-W53');
    expect(w53.body).toMatchObject({ isoWeek: '2020-W53', from: '2020-12-28', to: '2021-01-03' });
  });
});
