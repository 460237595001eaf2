// The weekly report's plan table has one row per person reporting directly to the recipient, each
// row covering that person's whole line: a manager sees their reps, a director their managers'
// teams (not a hundred reps). Deals the recipient owns themself get a row of their own.
import type { PrismaClient } from '../../db/prisma';
import { combineForecastLines, type ForecastReport } from '../build-forecast';
import type { TForecastLine } from '../schemas';

export async function forecastByDirectReport(
  prisma: PrismaClient,
  recipientId: string,
  teamUserIds: readonly string[],
  forecast: ForecastReport,
): Promise<TForecastLine[]> {
  const people = await prisma.user.findMany({
    where: { id: { in: [...teamUserIds] } },
    select: { id: true, name: true, managerId: true },
  });
  const byId = new Map(people.map((p) => [p.id, p]));
  /** The recipient's direct report above `userId` (or the recipient themself). */
  const branchOf = (userId: string): string => {
    let current = byId.get(userId);
    while (current && current.managerId !== recipientId && current.id !== recipientId) {
      current = current.managerId ? byId.get(current.managerId) : undefined;
    }
    return current?.id ?? recipientId;
  };
  const branches = new Map<string, TForecastLine[]>();
  for (const l of forecast.byRep) {
    if (l.userId === null) continue;
    const branch = branchOf(l.userId);
    branches.set(branch, [...(branches.get(branch) ?? []), l]);
  }
  return [...branches.entries()]
    .map(([id, lines]) => combineForecastLines(id, byId.get(id)?.name ?? id, lines))
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}
