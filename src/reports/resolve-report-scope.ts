// Turns a caller and the optional team / rep filters into the owners a report counts. A rep sees
// their own deals, a manager or director their reporting line, an admin everyone; asking for a
// team or rep outside that is refused (403), never silently narrowed.
import type { PrismaClient } from '../db/prisma';
import { subtreeUserIds, type Actor } from '../auth/reporting-line';
import { AppError } from '../errors/app-error';

export interface ResolvedReportScope {
  /** The owners the report counts; null = the whole company. */
  scopeUserIds: string[] | null;
  /** The comparison group for bottlenecks: the team (or what the caller sees), ignoring `rep`. */
  teamUserIds: string[] | null;
  /** Echoed in every report so a reader knows what was counted. */
  describe: { team: string | null; rep: string | null; userCount: number | null };
}

export async function resolveReportScope({
  prisma,
  caller,
  team,
  rep,
}: {
  prisma: PrismaClient;
  caller: Actor;
  team?: string | undefined;
  rep?: string | undefined;
}): Promise<ResolvedReportScope> {
  const visible = caller.role === 'admin' ? null : await subtreeUserIds(prisma, caller.id);
  const inView = (id: string) => visible === null || visible.includes(id);

  for (const [what, id] of [
    ['team', team],
    ['rep', rep],
  ] as const) {
    if (id === undefined) continue;
    if (!inView(id)) throw new AppError('FORBIDDEN', `that ${what} is outside your reporting line`);
    if (visible === null && !(await prisma.user.findUnique({ where: { id }, select: { id: true } }))) {
      throw new AppError('NOT_FOUND', `no user ${id}`);
    }
  }

  const teamUserIds = team === undefined ? visible : await subtreeUserIds(prisma, team);
  if (rep !== undefined && teamUserIds !== null && !teamUserIds.includes(rep)) {
    throw new AppError('INVALID_INPUT', 'that rep is not in that team');
  }
  const scopeUserIds = rep === undefined ? teamUserIds : [rep];
  return {
    scopeUserIds,
    teamUserIds,
    describe: {
      team: team ?? null,
      rep: rep ?? null,
      userCount: scopeUserIds === null ? null : scopeUserIds.length,
    },
  };
}
