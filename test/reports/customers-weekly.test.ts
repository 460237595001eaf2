// The weekly report's customer section (issue 11) on a real PostgreSQL: composed by the same
// functions as the mail and the weekly page, worded in both languages, left out for a line without
// accounts; the report's other sections come out exactly as they did before accounts existed.
import { composeWeeklyReport } from '../../src/reports/weekly/compose-weekly-report';
import { renderWeeklyReport } from '../../src/reports/weekly/render-weekly-report';
import { weeklyReportContent } from '../../src/reports/weekly/weekly-report-content';
import { weekOf } from '../../src/reports/weekly/view-weekly-report';
import { createTestOrg, type TestOrg } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedCustomerQuarter } from './customers-seed';

let db: TestDatabase;
let org: TestOrg;
beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db);
});
afterAll(async () => {
  await db?.drop();
});

// ISO week 2026-W05: Monday 2026-01-26 to Sunday 2026-02-01 (Shanghai); the mail goes out Monday.
const WEEK = weekOf('2026-W05');
const AS_OF = new Date('2026-02-02T09:00:00+08:00');
const compose = (recipientId: string) =>
  composeWeeklyReport({ prisma: db.prisma, recipientId, week: WEEK, isoWeek: WEEK.isoWeek, asOf: AS_OF });

describe('weekly report: customer section', () => {
  it('adds the section for a line with accounts and leaves every other section as it was', async () => {
    const before = await compose(org.managerA.id);
    expect(before.customers).toBeNull();
    const plain = weeklyReportContent(before);
    expect(plain.sections).toHaveLength(4);

    await seedCustomerQuarter(db.prisma, org, new Date());
    const after = await compose(org.managerA.id);
    const content = weeklyReportContent(after);
    expect(content.sections.slice(0, 4)).toEqual(plain.sections);
    expect(content.sections).toHaveLength(5);

    const { text } = renderWeeklyReport(content);
    // Trailing 90 days to 02-02: 7 claims (A1–A6, A10), one order (A6; A1's contract came on 03-01).
    expect(text).toContain('== 4. Customers: the six-step funnel and claims ==');
    expect(text).toContain(
      'In the last 90 days the team claimed 7 accounts and 1 of them reached an order (14.3%).',
    );
    expect(text).toContain('even good reps sell to fewer than 15% of the customers they contact.');
    // Held now | reached in the week (A1's signal on 02-01, A6's handover on 02-01) | 90-day conversion.
    for (const row of [
      'Target | 0 | 0 | —',
      'Listed (claimed) | 1 | 0 | 57.1%',
      'Potential | 2 | 1 | 50%',
      'Intent | 1 | 0 | 50%',
      'Order | 2 | 0 | 100%',
      'Active customer | 1 | 1 | —',
    ])
      expect(text).toContain(`  ${row}\n`);
    expect(text).toContain('The public pool holds 3 accounts.');
    // A10 lapsed at 01:00 on Sunday 02-01, inside the week.
    expect(text).toContain('  Ravi Rep | 3 / 50 | 0 | 0 | 1 | 33.3% (1/3)\n');
    expect(text).toContain('  Rita Rep | 3 / 50 | 0 | 0 | 0 | 0% (0/4)\n');
    expect(text).toContain('  Total | 6 / 100 | 0 | 0 | 1 | 14.3% (1/7)\n');
  });

  it("words it in the recipient's language and leaves it out for a line without accounts", async () => {
    // 王经理: repB1 holds 50 accounts; A7, claimed on 01-08, lapsed on 01-30 (A9 came after the week).
    const zh = await compose(org.managerB.id);
    const { text } = renderWeeklyReport(weeklyReportContent(zh));
    expect(text).toContain('== 四、客户六步漏斗与报备 ==');
    expect(text).toContain('近 90 天团队认领 1 个客户，其中 0 个成为订单客户（0%）。');
    expect(text).toContain('  清单客户 | 50 | 0 | 0%\n');
    expect(text).toContain('  张伟 | 50 / 50 | 0 | 0 | 1 | 0% (0/1)\n');

    await db.prisma
      .$executeRaw`DELETE FROM "Account" WHERE "ownerId" = ${org.repB1.id}::uuid OR "id" IN ('acc-A7')`;
    const none = await compose(org.managerB.id);
    expect(none.customers).toBeNull();
    expect(weeklyReportContent(none).sections).toHaveLength(4);
  });
});
