// China's working-day schedule (全国年节及纪念日放假安排): which days are off and which weekend days
// are made-up working days (调休/补班). The State Council publishes each year's schedule, usually
// in November for the next year; it follows no rule a program could derive, so it is data.
//
// How a year gets in (README, "China's working-day calendar"): when the notice is out, add the
// year below from it, bump the npm devDependency `chinese-days` to the release that has it, and
// run `npx jest test/calendar`: test/calendar/china-calendar-data.test.ts fails until this table
// and that package agree day for day. Years missing here count Monday to Friday and every due date
// reaching them is provisional (see workingDaysDue in working-days.ts).
//
// Sources, checked day for day: the State Council notices linked per year, the npm package
// chinese-days 1.5.7 (vsme/chinese-days), PyPI chinese-calendar 1.11.0 and holidays 0.109
// (which cites the same notices). No source has 2027 yet (checked 2026-12-02).
//
// Pure data: bundled into the workflow sandbox.

/** Inclusive ranges of local days off, and the weekend days that are working days. */
export interface PublishedYear {
  readonly notice: string;
  readonly off: readonly (readonly [string, string])[];
  readonly makeUpWorkdays: readonly string[];
}

export const CHINA_PUBLISHED_YEARS: Readonly<Record<number, PublishedYear>> = {
  2025: {
    notice:
      '国务院办公厅关于2025年部分节假日安排的通知 https://www.gov.cn/gongbao/2024/issue_11726/202411/content_6989767.html',
    off: [
      ['2025-01-01', '2025-01-01'], // 元旦
      ['2025-01-28', '2025-02-04'], // 春节
      ['2025-04-04', '2025-04-06'], // 清明节
      ['2025-05-01', '2025-05-05'], // 劳动节
      ['2025-05-31', '2025-06-02'], // 端午节
      ['2025-10-01', '2025-10-08'], // 国庆节、中秋节
    ],
    makeUpWorkdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    notice:
      '国务院办公厅关于2026年部分节假日安排的通知 https://www.gov.cn/gongbao/2025/issue_12406/202511/content_7048922.html',
    off: [
      ['2026-01-01', '2026-01-03'], // 元旦
      ['2026-02-15', '2026-02-23'], // 春节
      ['2026-04-04', '2026-04-06'], // 清明节
      ['2026-05-01', '2026-05-05'], // 劳动节
      ['2026-06-19', '2026-06-21'], // 端午节
      ['2026-09-25', '2026-09-27'], // 中秋节
      ['2026-10-01', '2026-10-07'], // 国庆节
    ],
    makeUpWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};
