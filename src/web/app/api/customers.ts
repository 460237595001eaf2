// The customers part of the API as the page reads it (issue 11): accounts and contacts, the public
// pool (公海), claims and my list, assignment, owner history and journal, CSV import, handover.
// Shapes follow the route schemas in src/api/routes/{accounts,claims}.ts (the fields the page uses).
import { api, command } from '../api';
import { poolQuery, type Claim, type PoolFilters } from './customers-logic';

export { byUrgency, daysLeft, poolQuery, type Claim, type PoolFilters } from './customers-logic';

export type FunnelStepKey = 'target' | 'listed' | 'potential' | 'intent' | 'order' | 'active';

export interface AccountSummary {
  id: string;
  name: string;
  creditCode?: string | null;
  industry: string | null;
  region: string | null;
  size?: string | null;
  source?: string | null;
  tags: string[];
  funnelStep: FunnelStepKey | string;
  /** Who holds it as the caller may know: the pool, the caller, someone of their line, a colleague (masked). */
  holder: 'pool' | 'you' | 'line' | 'colleague';
  /** Null in the pool and for a colleague outside the caller's line. */
  ownerId: string | null;
  ownerName: string | null;
  masked: boolean;
  claimedAt: string | null;
  lapsesAt: string | null;
  protected?: boolean;
}

export interface Contact {
  id: string;
  accountId: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  role: string | null;
  stance: string | null;
}

export interface AccountDeal {
  id: string;
  name: string;
  milestone: string;
  status: string;
  amount: number;
  currency: string;
  ownerId: string;
}

export interface Account extends AccountSummary {
  notes: string | null;
  createdAt: string;
  contacts: Contact[];
  /** The account's deals the caller may see; otherDeals counts the rest. */
  deals: AccountDeal[];
  otherDeals: number;
  warnsAt?: string | null;
  lastSalesActionAt?: string | null;
}

export interface PoolPage {
  accounts: AccountSummary[];
  nextCursor: string | null;
}

export interface OwnerChange {
  fromUserId: string | null;
  toUserId: string | null;
  actorId: string | null;
  reason: string;
  note: string | null;
  at: string;
}

export interface AccountEvent {
  seq: number;
  type: string;
  actorId: string | null;
  at: string;
  data: Record<string, unknown> | null;
}

/** One record of the file (src/customers/account-schemas.ts ZImportLineSchema). */
export interface ImportLine {
  line: number;
  action: 'create' | 'merge' | 'refuse';
  name: string;
  accountId: string | null;
  contactAdded: boolean;
  /** Why a line is refused (IMPORT_REASONS). */
  code: string | null;
  holder: AccountSummary['holder'] | null;
  field: string | null;
  /** What the line does or why it is refused: the `accounts` catalog's sentence in the caller's language. */
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  encoding: 'utf-8' | 'gb18030';
  /** A real import of a file this user already imported: the first report, nothing written. */
  alreadyImported: boolean;
  importedAt: string | null;
  lines: ImportLine[];
  summary: { create: number; merge: number; refuse: number };
}

/** POST /api/admin/handover: the dry run lists what would move; the real run answers its id. */
export interface HandoverReport {
  claims?: { accountId: string; name: string }[];
  deals?: { id: string; name: string }[];
  approvals?: { opportunityId: string; approvalId: string }[];
  handoverId?: string;
  status?: string;
}

export interface HandoverProgress {
  status: 'running' | 'done' | string;
  done: number;
  total: number;
  failed?: number;
}

const acc = (id: string, rest = ''): string => `/api/accounts/${encodeURIComponent(id)}${rest}`;

export const searchPool = async (filters: PoolFilters): Promise<PoolPage> =>
  (await api<PoolPage>('GET', `/api/pool?${poolQuery(filters)}`)).data;

export interface MyClaims {
  claims: Claim[];
  /** Claims counted against the cap, and the cap (the team's, else the definition's default). */
  held: number;
  cap: number;
}

export const myClaims = async (): Promise<MyClaims> => (await api<MyClaims>('GET', '/api/me/claims')).data;

export const getAccount = async (id: string): Promise<Account> => (await api<Account>('GET', acc(id))).data;

export const ownerHistory = async (id: string): Promise<OwnerChange[]> =>
  (await api<{ changes: OwnerChange[] }>('GET', acc(id, '/owner-history'))).data.changes;

export const accountJournal = async (id: string): Promise<AccountEvent[]> =>
  (await api<{ events: AccountEvent[] }>('GET', acc(id, '/journal'))).data.events;

/** Every account command: one Idempotency-Key per submission, kept across its retries. */
export const accountCommand = (id: string, verb: string, body: Record<string, unknown> = {}) =>
  command(`account:${id}:${verb}`, 'POST', acc(id, `/${verb}`), body);

export const claimAccount = (id: string) => accountCommand(id, 'claim');
export const releaseAccount = (id: string) => accountCommand(id, 'release');
export const assignAccount = (id: string, toUserId: string) => accountCommand(id, 'assign', { toUserId });
export const moveClaim = (id: string, toUserId: string, note?: string) =>
  accountCommand(id, 'move', note ? { toUserId, note } : { toUserId });

export const addContact = (id: string, body: Record<string, unknown>) =>
  command(`account:${id}:contact`, 'POST', acc(id, '/contacts'), body);

/** The CSV import: the body is the file's bytes as chosen (UTF-8 with or without BOM, or GB18030). */
export async function importAccounts(
  file: Blob,
  dryRun: boolean,
  idempotencyKey: string,
): Promise<ImportReport> {
  return (
    await api<ImportReport>('POST', `/api/accounts/import?dryRun=${dryRun}`, {
      rawBody: file,
      contentType: 'text/csv',
      idempotencyKey,
    })
  ).data;
}

export const handover = (body: { fromUserId: string; toUserId: string; reason: string; dryRun: boolean }) =>
  command<HandoverReport>(`handover:${body.dryRun}`, 'POST', '/api/admin/handover', body);

export const handoverProgress = async (id: string): Promise<HandoverProgress> =>
  (await api<HandoverProgress>('GET', `/api/admin/handover/${encodeURIComponent(id)}`)).data;

/** Accounts one person of my line holds (for moving claims): my line's list, that person's rows. */
export async function accountsOf(ownerId: string): Promise<AccountSummary[]> {
  const out: AccountSummary[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ holder: 'line', limit: '200' });
    if (cursor) q.set('cursor', cursor);
    const { data }: { data: PoolPage } = await api<PoolPage>('GET', `/api/accounts?${q}`);
    out.push(...data.accounts.filter((a) => a.ownerId === ownerId));
    cursor = data.nextCursor;
  } while (cursor && out.length < 500);
  return out;
}
