// Local-calendar arithmetic the reports and the weekly report rely on (team calendar: UTC+8).
import {
  isoWeekOf,
  isRealDay,
  lastCompleteWeek,
  parsePeriodBound,
  quarterContaining,
} from '../../src/reports/report-period';

describe('report periods', () => {
  it('reads date-only bounds as local days, a date-only `to` including its whole day', () => {
    expect(parsePeriodBound('2026-01-01', 'from').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(parsePeriodBound('2026-03-31', 'to').toISOString()).toBe('2026-03-31T16:00:00.000Z');
    expect(parsePeriodBound('2026-03-31T12:00:00Z', 'to').toISOString()).toBe('2026-03-31T12:00:00.000Z');
  });

  it('knows real days from impossible ones', () => {
    expect(['2024-02-29', '2026-12-31'].map(isRealDay)).toEqual([true, true]);
    expect(['2026-02-29', '2026-13-01', '2026-00-10', '26-01-01'].map(isRealDay)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('labels ISO weeks, including the ones that straddle a new year', () => {
    expect(isoWeekOf('2026-01-05')).toBe('2026-W02'); // 2026 starts on a Thursday: Dec 29 – Jan 4 is W01
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-03')).toBe('2026-W53'); // 2026 has 53 ISO weeks
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
  });

  it('takes the last complete local week before the run, at any hour of any day', () => {
    // Monday 09:00 Shanghai = 01:00Z: the week that just ended, Mon 2026-02-02 to Mon 2026-02-09.
    const monday = lastCompleteWeek(new Date('2026-02-09T01:00:00Z'));
    expect(monday).toEqual({
      from: new Date('2026-02-01T16:00:00Z'),
      to: new Date('2026-02-08T16:00:00Z'),
      isoWeek: '2026-W06',
    });
    // Sunday 23:30 Shanghai is still in the week of 02-02, so the report is for the week before it.
    expect(lastCompleteWeek(new Date('2026-02-08T15:30:00Z')).isoWeek).toBe('2026-W05');
    // Monday 00:30 Shanghai is Sunday 16:30Z: already the new week locally.
    expect(lastCompleteWeek(new Date('2026-02-08T16:30:00Z')).isoWeek).toBe('2026-W06');
  });

  it('finds the local quarter', () => {
    expect(quarterContaining(new Date('2026-03-31T15:59:59Z'))).toEqual({
      from: new Date('2025-12-31T16:00:00Z'),
      to: new Date('2026-03-31T16:00:00Z'),
    });
    expect(quarterContaining(new Date('2026-12-31T17:00:00Z')).from.toISOString()).toBe(
      '2026-12-31T16:00:00.000Z',
    );
  });
});
