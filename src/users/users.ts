// Users and their reporting line. The reporting line decides who may see and act on which deals,
// so a change that would make a cycle is refused.
import type { PrismaClient } from '../db/prisma';
import { Prisma } from '../db/prisma';
import { AppError } from '../errors/app-error';
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
