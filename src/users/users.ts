// Users and their reporting line. The reporting line decides who may see and act on which deals,
// so a change that would make a cycle is refused.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma';
import { Prisma } from '../db/prisma';
import { AppError } from '../errors/app-error';
import { canActForOwner } from '../auth/reporting-line';
import { toAppError } from '../temporal/errors';
import { reportingChain } from './reporting-chain';
import type { TCreateUser, TUpdateUser } from './schemas';

type UserRow = Awaited<ReturnType<PrismaClient['user']['findUniqueOrThrow']>>;

export function toUserDto(u: UserRow) {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    locale: u.locale === 'zh_CN' ? ('zh-CN' as const) : ('en' as const),
    role: u.role,
    managerId: u.managerId,
    active: u.active,
  };
}

export const toDbLocale = (l: 'zh-CN' | 'en') => (l === 'zh-CN' ? ('zh_CN' as const) : ('en' as const));

async function assertManagerValid(
  prisma: PrismaClient,
  userId: string | null,
  managerId: string | null | undefined,
): Promise<void> {
  if (!managerId) return;
  const manager = await prisma.user.findUnique({ where: { id: managerId } });
  if (!manager) throw new AppError('INVALID_INPUT', `manager ${managerId} does not exist`);
  if (userId && (managerId === userId || (await reportingChain(prisma, managerId)).includes(userId))) {
    throw new AppError('CONFLICT', 'that manager would make a cycle in the reporting line');
  }
}

export async function createUser(prisma: PrismaClient, input: TCreateUser): Promise<UserRow> {
  await assertManagerValid(prisma, null, input.managerId);
  try {
    return await prisma.user.create({
      data: {
        name: input.name,
        email: input.email,
        locale: toDbLocale(input.locale),
        role: input.role,
        managerId: input.managerId ?? null,
      },
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new AppError('CONFLICT', `a user with email ${input.email} already exists`);
    }
    throw err;
  }
}

export async function updateUser(prisma: PrismaClient, id: string, input: TUpdateUser): Promise<UserRow> {
  const existing = await prisma.user.findUnique({ where: { id } });
  if (!existing) throw new AppError('NOT_FOUND', 'user not found');
  await assertManagerValid(prisma, id, input.managerId);
  return prisma.user.update({
    where: { id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.locale !== undefined ? { locale: toDbLocale(input.locale) } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.managerId !== undefined ? { managerId: input.managerId } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    },
  });
}

/**
 * The rule for who may own a deal someone creates or reassigns: an active user who is the actor,
 * someone below the actor in the reporting line, or anyone when the actor is an admin. The
 * workflow checks the same on reassignment (the deal's updateDeal); this answers before it.
 */
export async function assertAssignableOwner(
  prisma: PrismaClient,
  actor: { id: string; role: 'rep' | 'manager' | 'director' | 'admin' },
  ownerId: string,
): Promise<void> {
  if (!(await canActForOwner(prisma, actor, ownerId))) {
    throw new AppError('OWNER_OUTSIDE_LINE', 'a deal may go only to you or someone in your reporting line');
  }
  const owner = await prisma.user.findUnique({ where: { id: ownerId }, select: { active: true } });
  if (!owner) throw new AppError('INVALID_INPUT', `ownerId ${ownerId} does not name a user`);
  if (!owner.active) throw new AppError('OWNER_INACTIVE', `${ownerId} is deactivated and cannot own a deal`);
}

/** Tells running deals that someone's reporting line changed (see workflows/reporting-line-change.ts). */
export interface ReorganisationAnnouncer {
  announce(userId: string, changedAt: Date): Promise<void>;
}

/**
 * Starts the reportingLineChange workflow for one change. Its id names the user and the moment
 * of the change, so a retried request starts it once; once started, every affected deal is
 * told durably.
 */
export function createReorganisationAnnouncer(client: Client, taskQueue: string): ReorganisationAnnouncer {
  return {
    async announce(userId, changedAt) {
      try {
        await client.workflow.start('reportingLineChange', {
          workflowId: `reporting-line-change-${userId}-${changedAt.getTime()}`,
          taskQueue,
          args: [{ userId }],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return;
        throw toAppError(err);
      }
    },
  };
}

/** Fields whose change moves someone's reporting line, or what they may do on deals. */
export function changesReportingLine(input: TUpdateUser): boolean {
  return input.managerId !== undefined || input.active !== undefined || input.role !== undefined;
}
