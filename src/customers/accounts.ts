// Accounts (客户) and their contacts (issue 11). An account is created into the public pool
// (ownerId null); claiming is the account workflow's (src/customers/claims*). Two accounts never
// share a credit code or a normalised name: a second one is refused with 409 ACCOUNT_DUPLICATE that
// says which account and who holds it, masked outside that owner's line.
import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient } from '../db/prisma';
import type { Actor } from '../auth/reporting-line';
import { AppError } from '../errors/app-error';
import type { Account as AccountRow, Contact as ContactRow } from '../generated/prisma/client';
import {
  accountScope,
  holderOf,
  mayEdit,
  visibleDealOwner,
  visibleWhere,
  type AccountScope,
} from './account-access';
import {
  type AccountListQuery,
  type ContactInput,
  type CreateAccountInput,
  type Holder,
  type PatchAccountInput,
} from './account-schemas';
import { creditCodeProblem, normalizeCreditCode } from './credit-code';
import { normalizeAccountName, searchGrams } from './normalize-name';

type Db = PrismaClient | Prisma.TransactionClient;

export const newAccountId = (): string => `acc-${randomUUID().replace(/-/g, '')}`;
export const newContactId = (): string => `con-${randomUUID().replace(/-/g, '')}`;

export interface AccountSummary {
  id: string;
  name: string;
  creditCode: string | null;
  industry: string | null;
  region: string | null;
  size: string | null;
  source: string | null;
  tags: string[];
  funnelStep: string;
  holder: Holder;
  ownerId: string | null;
  ownerName: string | null;
  claimedAt: string | null;
  lapsesAt: string | null;
  masked: boolean;
  updatedAt: string;
}

export interface ContactView {
  id: string;
  accountId: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  role: string | null;
  stance: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AccountView extends AccountSummary {
  notes: string | null;
  createdById: string | null;
  createdAt: string;
  contacts: ContactView[];
  deals: {
    id: string;
    name: string;
    milestone: string;
    status: string;
    amount: number;
    currency: string;
    ownerId: string;
  }[];
  otherDeals: number;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function contactView(c: ContactRow): ContactView {
  return {
    id: c.id,
    accountId: c.accountId,
    name: c.name,
    title: c.title,
    phone: c.phone,
    email: c.email,
    role: c.role,
    stance: c.stance,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function summaryOf(scope: AccountScope, a: AccountRow, ownerName: string | null): AccountSummary {
  const holder = holderOf(scope, a.ownerId);
  const masked = holder === 'colleague';
  return {
    id: a.id,
    name: a.name,
    creditCode: masked ? null : a.creditCode,
    industry: masked ? null : a.industry,
    region: masked ? null : a.region,
    size: masked ? null : a.size,
    source: masked ? null : a.source,
    tags: masked ? [] : a.tags,
    funnelStep: a.funnelStep,
    holder,
    ownerId: masked ? null : a.ownerId,
    ownerName: masked ? null : ownerName,
    claimedAt: masked ? null : iso(a.claimedAt),
    lapsesAt: masked ? null : iso(a.lapsesAt),
    masked,
    updatedAt: a.updatedAt.toISOString(),
  };
}

export async function ownerNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (wanted.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(users.map((u) => [u.id, u.name]));
}

/** The credit code as stored (normalised), or null; refuses an invalid one. */
export function checkedCreditCode(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null || raw.trim() === '') return null;
  const code = normalizeCreditCode(raw);
  const problem = creditCodeProblem(code);
  if (problem) {
    throw new AppError('CREDIT_CODE_INVALID', `credit code is not valid (${problem})`, { problem });
  }
  return code;
}

/** The normalised name; refuses a name that normalises to nothing (punctuation only). */
export function checkedNormalizedName(name: string): string {
  const normalized = normalizeAccountName(name);
  if (normalized === '' || !/[\p{L}\p{N}]/u.test(normalized)) {
    throw new AppError('INVALID_INPUT', 'the account name needs a letter or a digit', [
      { path: 'body.name', message: 'no letter or digit', rule: 'custom' },
    ]);
  }
  return normalized;
}

export interface Duplicate {
  account: AccountRow;
  matchedOn: 'creditCode' | 'normalizedName';
}

export async function findDuplicate(
  db: Db,
  key: { normalizedName: string; creditCode: string | null },
  exceptId?: string,
): Promise<Duplicate | null> {
  if (key.creditCode) {
    const byCode = await db.account.findUnique({ where: { creditCode: key.creditCode } });
    if (byCode && byCode.id !== exceptId) return { account: byCode, matchedOn: 'creditCode' };
  }
  const byName = await db.account.findUnique({ where: { normalizedName: key.normalizedName } });
  if (byName && byName.id !== exceptId) return { account: byName, matchedOn: 'normalizedName' };
  return null;
}

/** The 409 for a duplicate: which account and who holds it, masked outside the owner's line. */
export async function duplicateError(db: Db, scope: AccountScope, dup: Duplicate): Promise<AppError> {
  const holder = holderOf(scope, dup.account.ownerId);
  const visible = holder === 'you' || holder === 'line';
  const ownerName = visible
    ? ((await ownerNames(db, [dup.account.ownerId])).get(dup.account.ownerId!) ?? null)
    : null;
  return new AppError('ACCOUNT_DUPLICATE', `an account with this ${dup.matchedOn} exists (${holder})`, {
    matchedOn: dup.matchedOn,
    accountId: dup.account.id,
    name: dup.account.name,
    holder,
    ...(visible ? { ownerId: dup.account.ownerId, ownerName } : {}),
  });
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

const emptyToNull = (v: string | null | undefined): string | null =>
  v === undefined || v === null || v.trim() === '' ? null : v.trim();

export interface ContactData {
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  role: string | null;
  stance: string | null;
}

export function contactData(input: ContactInput): ContactData {
  return {
    name: input.name,
    title: emptyToNull(input.title),
    phone: emptyToNull(input.phone),
    email: emptyToNull(input.email),
    role: input.role ?? null,
    stance: input.stance ?? null,
  };
}

const uniqueTags = (tags: readonly string[]): string[] => [
  ...new Set(tags.map((t) => t.trim()).filter(Boolean)),
];

/** Creates an account in the public pool (with its contacts); 409 when it is a duplicate. */
export async function createAccount(
  prisma: PrismaClient,
  actor: Actor,
  input: CreateAccountInput,
): Promise<AccountView> {
  const scope = await accountScope(prisma, actor);
  const normalizedName = checkedNormalizedName(input.name);
  const creditCode = checkedCreditCode(input.creditCode);
  const dup = await findDuplicate(prisma, { normalizedName, creditCode });
  if (dup) throw await duplicateError(prisma, scope, dup);
  const id = newAccountId();
  const now = Date.now();
  try {
    await prisma.account.create({
      data: {
        id,
        name: input.name,
        normalizedName,
        creditCode,
        industry: emptyToNull(input.industry),
        region: emptyToNull(input.region),
        size: emptyToNull(input.size),
        source: emptyToNull(input.source),
        tags: uniqueTags(input.tags ?? []),
        notes: emptyToNull(input.notes),
        createdById: actor.id,
        // Stamped a millisecond apart: a list (and an export) shows contacts in the order given.
        contacts: {
          create: (input.contacts ?? []).map((c, i) => ({
            id: newContactId(),
            ...contactData(c),
            createdAt: new Date(now + i),
          })),
        },
      },
    });
  } catch (err) {
    // Someone created the same account a moment ago: answer as if we had seen it first.
    if (!isUniqueViolation(err)) throw err;
    const again = await findDuplicate(prisma, { normalizedName, creditCode });
    if (again) throw await duplicateError(prisma, scope, again);
    throw err;
  }
  return getAccount(prisma, actor, id, scope);
}

/** The account as the caller may see it: in full, or masked when held outside their line. */
export async function getAccount(
  prisma: PrismaClient,
  actor: Actor,
  id: string,
  knownScope?: AccountScope,
): Promise<AccountView> {
  const scope = knownScope ?? (await accountScope(prisma, actor));
  const account = await prisma.account.findUnique({ where: { id } });
  if (!account) throw new AppError('NOT_FOUND', 'no such account');
  const names = await ownerNames(prisma, [account.ownerId]);
  const summary = summaryOf(scope, account, account.ownerId ? (names.get(account.ownerId) ?? null) : null);
  if (summary.masked) {
    return {
      ...summary,
      notes: null,
      createdById: null,
      createdAt: account.createdAt.toISOString(),
      contacts: [],
      deals: [],
      otherDeals: 0,
    };
  }
  const [contacts, deals] = await Promise.all([
    prisma.contact.findMany({ where: { accountId: id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    prisma.opportunity.findMany({
      where: { accountId: id },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      select: {
        id: true,
        name: true,
        milestone: true,
        status: true,
        amount: true,
        currency: true,
        ownerId: true,
      },
    }),
  ]);
  const visibleDeals = deals.filter((d) => visibleDealOwner(scope, d.ownerId));
  return {
    ...summary,
    notes: account.notes,
    createdById: account.createdById,
    createdAt: account.createdAt.toISOString(),
    contacts: contacts.map(contactView),
    deals: visibleDeals.map((d) => ({ ...d, status: d.status, amount: Number(d.amount) })),
    otherDeals: deals.length - visibleDeals.length,
  };
}

/** The account for a change: 404 when missing, 403 when the caller may not change it. */
async function editableAccount(db: Db, scope: AccountScope, id: string): Promise<AccountRow> {
  const account = await db.account.findUnique({ where: { id } });
  if (!account) throw new AppError('NOT_FOUND', 'no such account');
  const holder = holderOf(scope, account.ownerId);
  if (!mayEdit(scope, holder)) {
    throw new AppError(
      'FORBIDDEN',
      holder === 'pool'
        ? 'a rep changes an account once it is on their list (claim it first)'
        : 'this account is held by someone outside your line',
      { holder },
    );
  }
  return account;
}

export async function patchAccount(
  prisma: PrismaClient,
  actor: Actor,
  id: string,
  patch: PatchAccountInput,
): Promise<AccountView> {
  const scope = await accountScope(prisma, actor);
  const account = await editableAccount(prisma, scope, id);
  const data: Prisma.AccountUpdateInput = {};
  if (patch.name !== undefined) {
    data.name = patch.name;
    data.normalizedName = checkedNormalizedName(patch.name);
  }
  if (patch.creditCode !== undefined) data.creditCode = checkedCreditCode(patch.creditCode);
  for (const field of ['industry', 'region', 'size', 'source', 'notes'] as const) {
    if (patch[field] !== undefined) data[field] = emptyToNull(patch[field]);
  }
  if (patch.tags !== undefined) data.tags = uniqueTags(patch.tags);
  const key = {
    normalizedName: (data.normalizedName as string | undefined) ?? account.normalizedName,
    creditCode: data.creditCode !== undefined ? (data.creditCode as string | null) : account.creditCode,
  };
  const dup = await findDuplicate(prisma, key, id);
  if (dup) throw await duplicateError(prisma, scope, dup);
  try {
    await prisma.account.update({ where: { id }, data });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const again = await findDuplicate(prisma, key, id);
    if (again) throw await duplicateError(prisma, scope, again);
    throw err;
  }
  return getAccount(prisma, actor, id, scope);
}

/** Base64url of the last row's normalised name (names are unique, so it is a total order). */
export const encodeCursor = (normalizedName: string): string =>
  Buffer.from(normalizedName).toString('base64url');
function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]*$/.test(cursor))
    throw new AppError('INVALID_INPUT', 'bad cursor', [
      { path: 'query.cursor', message: 'not a cursor', rule: 'custom' },
    ]);
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

type Filters = Pick<AccountListQuery, 'q' | 'industry' | 'region' | 'tag' | 'funnelStep'>;

/** The where clause of a list, the pool search and the export alike. */
export function accountWhere(
  scope: AccountScope,
  holder: AccountListQuery['holder'],
  filters: Filters,
): Prisma.AccountWhereInput {
  const and: Prisma.AccountWhereInput[] = [visibleWhere(scope, holder)];
  const q = filters.q?.trim();
  if (q) {
    const name = normalizeAccountName(q);
    const code = normalizeCreditCode(q);
    const or: Prisma.AccountWhereInput[] = [];
    // The GIN index on nameGrams narrows; LIKE on the name decides.
    if (name) or.push({ nameGrams: { hasEvery: searchGrams(name) }, normalizedName: { contains: name } });
    if (code.length === 18) or.push({ creditCode: code });
    and.push(or.length ? { OR: or } : { id: '' });
  }
  if (filters.industry) and.push({ industry: filters.industry });
  if (filters.region) and.push({ region: filters.region });
  if (filters.tag) and.push({ tags: { has: filters.tag } });
  if (filters.funnelStep) and.push({ funnelStep: filters.funnelStep });
  return { AND: and };
}

export async function listAccounts(
  prisma: PrismaClient,
  actor: Actor,
  query: AccountListQuery,
): Promise<{ accounts: AccountSummary[]; nextCursor: string | null }> {
  const scope = await accountScope(prisma, actor);
  const after = decodeCursor(query.cursor);
  const where = accountWhere(scope, query.holder, query);
  const rows = await prisma.account.findMany({
    where: after === undefined ? where : { AND: [where, { normalizedName: { gt: after } }] },
    orderBy: { normalizedName: 'asc' },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const names = await ownerNames(
    prisma,
    page.map((a) => a.ownerId),
  );
  return {
    accounts: page.map((a) => summaryOf(scope, a, a.ownerId ? (names.get(a.ownerId) ?? null) : null)),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.normalizedName) : null,
  };
}

// ---- contacts ----------------------------------------------------------------------------

export async function listContacts(
  prisma: PrismaClient,
  actor: Actor,
  accountId: string,
): Promise<ContactView[]> {
  const scope = await accountScope(prisma, actor);
  const account = await prisma.account.findUnique({ where: { id: accountId }, select: { ownerId: true } });
  if (!account) throw new AppError('NOT_FOUND', 'no such account');
  if (holderOf(scope, account.ownerId) === 'colleague') {
    throw new AppError('FORBIDDEN', 'this account is held by someone outside your line', {
      holder: 'colleague',
    });
  }
  const contacts = await prisma.contact.findMany({
    where: { accountId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return contacts.map(contactView);
}

export async function addContact(
  prisma: PrismaClient,
  actor: Actor,
  accountId: string,
  input: ContactInput,
): Promise<ContactView> {
  const scope = await accountScope(prisma, actor);
  await editableAccount(prisma, scope, accountId);
  return contactView(
    await prisma.contact.create({ data: { id: newContactId(), accountId, ...contactData(input) } }),
  );
}

async function editableContact(prisma: PrismaClient, actor: Actor, id: string): Promise<ContactRow> {
  const contact = await prisma.contact.findUnique({ where: { id } });
  if (!contact) throw new AppError('NOT_FOUND', 'no such contact');
  await editableAccount(prisma, await accountScope(prisma, actor), contact.accountId);
  return contact;
}

export async function patchContact(
  prisma: PrismaClient,
  actor: Actor,
  id: string,
  patch: Partial<ContactInput>,
): Promise<ContactView> {
  await editableContact(prisma, actor, id);
  const data: Prisma.ContactUpdateInput = {};
  if (patch.name !== undefined) data.name = patch.name;
  for (const field of ['title', 'phone', 'email'] as const) {
    if (patch[field] !== undefined) data[field] = emptyToNull(patch[field]);
  }
  if (patch.role !== undefined) data.role = patch.role;
  if (patch.stance !== undefined) data.stance = patch.stance;
  return contactView(await prisma.contact.update({ where: { id }, data }));
}

export async function deleteContact(prisma: PrismaClient, actor: Actor, id: string): Promise<void> {
  await editableContact(prisma, actor, id);
  await prisma.contact.deleteMany({ where: { id } });
}
