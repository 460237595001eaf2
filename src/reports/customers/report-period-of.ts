// A customer report's period from its query, refused with the same rules as the deal reports:
// `from` before `to`, at most three years.
import { AppError } from '../../errors/app-error';
import { parsePeriodBound, type ReportPeriod } from '../report-period';

const MAX_PERIOD_DAYS = 3 * 366;

export function customerReportPeriod(query: { from: string; to: string }): ReportPeriod {
  const from = parsePeriodBound(query.from, 'from');
  const to = parsePeriodBound(query.to, 'to');
  if (from >= to)
    throw new AppError('INVALID_INPUT', 'from must be before to', [
      { path: 'query.to', message: 'must be after from' },
    ]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
    throw new AppError('INVALID_INPUT', `a report period is at most ${MAX_PERIOD_DAYS} days`);
  }
  return { from, to };
}
